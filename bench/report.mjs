// Turns the per-round results of the gateway section into medians, a table, and one line per goal.
import { median } from './lib.mjs';

const pick = (runs, get) => runs.map(get).filter((value) => typeof value === 'number' && Number.isFinite(value));
const med = (runs, get) => {
  const values = pick(runs, get);
  return values.length > 0 ? median(values) : null;
};
const max = (runs, get) => {
  const values = pick(runs, get);
  return values.length > 0 ? Math.max(...values) : null;
};
const sum = (runs, get) => pick(runs, get).reduce((a, b) => a + b, 0);

/** Timings are medians of the rounds; memory and process counts the worst round; errors the total. */
export function summarize(target, runs) {
  return {
    label: target.label,
    rounds: runs.length,
    seqP50: med(runs, (r) => r.seq.p50),
    seqP99: med(runs, (r) => r.seq.p99),
    seqCps: med(runs, (r) => r.seq.callsPerS),
    seqCpuUs: med(runs, (r) => r.seq.cpuUs),
    concCps: med(runs, (r) => r.conc.callsPerS),
    concP50: med(runs, (r) => r.conc.p50),
    concP99: med(runs, (r) => r.conc.p99),
    ttfrMs: med(runs, (r) => r.ttfrMs),
    readyMs: med(runs, (r) => r.readyMs),
    hwmMb: max(runs, (r) => r.memory?.hwm),
    idleRssMb: max(runs, (r) => r.idleMemory?.rss),
    treeRssMb: max(runs, (r) => r.tree.treeRss),
    upstreams: max(runs, (r) => r.tree.upstreams),
    bridgeHwmMb: max(runs, (r) => r.bridge?.hwm),
    calls: sum(runs, (r) => r.seq.count + r.conc.count),
    wrong: sum(runs, (r) => r.seq.wrong + r.conc.wrong + (r.warm?.wrong ?? 0)),
    failed: sum(runs, (r) => r.seq.failed + r.conc.failed + (r.warm?.failed ?? 0)),
    byRound: new Map(runs.map((r) => [r.round, r])),
  };
}

/**
 * The ratio a/b of one figure, taken within each round (the two measured seconds apart, so a
 * machine that drifts between rounds moves both) and the median of those: sturdier on a shared
 * machine than the ratio of two medians. Returns the median and the ratios of every round.
 */
export function pairedRatio(a, b, get) {
  const ratios = [];
  for (const [round, run] of a.byRound) {
    const other = b.byRound.get(round);
    if (other === undefined) continue;
    const [x, y] = [get(run), get(other)];
    if (Number.isFinite(x) && Number.isFinite(y) && y !== 0) ratios.push(x / y);
  }
  return ratios.length > 0 ? { median: median(ratios), ratios } : null;
}

const num = (value, digits = 0) =>
  value === null || value === undefined
    ? '–'
    : Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const COLUMNS = [
  ['target', (s) => s.label],
  ['p50 µs', (s) => num(s.seqP50)],
  ['p99 µs', (s) => num(s.seqP99)],
  ['calls/s 1s', (s) => num(s.seqCps)],
  ['calls/s 8s', (s) => num(s.concCps)],
  ['8s p50 µs', (s) => num(s.concP50)],
  ['8s p99 µs', (s) => num(s.concP99)],
  ['ttfr ms', (s) => num(s.ttfrMs, 1)],
  ['ready ms', (s) => num(s.readyMs)],
  ['idle → peak RSS MB', (s) => `${num(s.idleRssMb)} → ${num(s.hwmMb, 1)}`],
  ['bridge MB', (s) => num(s.bridgeHwmMb)],
  ['tree MB @8', (s) => num(s.treeRssMb)],
  ['upstreams @8', (s) => num(s.upstreams)],
  ['wrong / failed', (s) => `${s.wrong} / ${s.failed} of ${num(s.calls)}`],
];

export function printTable(summary) {
  const rows = [...summary.values()].map((s) => COLUMNS.map(([, cell]) => cell(s)));
  const header = COLUMNS.map(([title]) => title);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  console.log('');
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log(
    'p50/p99/calls/s 1s: one session, sequential; 8s: 8 sessions, each a closed loop; ttfr: connect → initialize done, for a new session once the target answers (median of 5); ' +
      'ready: launch → first answered call (incl. client start; mcpctl: `daemon run` with the server defined beforehand, as peers read theirs from a config); idle → peak RSS: VmRSS once answering, VmHWM at the end, ' +
      'of the target process (gateway: the daemon; direct stdio: the server), worst round; bridge: VmHWM of one `mcpctl connect`; tree: it + its children at 8 sessions; upstreams: server-everything processes at 8 sessions (0: served in-process).',
  );
}

function goal(name, measured, pass) {
  console.log(`goal ${name} : ${measured} ${pass ? 'PASS' : 'MISS'}`);
}

const ratio = (a, b) => (a !== null && b ? `${(a / b).toFixed(2)}x` : 'n/a');

// Figures on which the gateway must beat each peer: [title, field, higher is better, ties allowed].
const FIGURES = [
  ['p50', 'seqP50', false, false],
  ['p99', 'seqP99', false, false],
  ['calls/s 1s', 'seqCps', true, false],
  ['calls/s 8s', 'concCps', true, false],
  ['8s p50', 'concP50', false, false],
  ['8s p99', 'concP99', false, false],
  ['ttfr', 'ttfrMs', false, false],
  ['ready', 'readyMs', false, false],
  ['peak RSS', 'hwmMb', false, false],
  ['tree RSS', 'treeRssMb', false, false],
  ['upstreams', 'upstreams', false, true],
  ['wrong+failed', (s) => s.wrong + s.failed, false, true],
];

function aheadOf(gw, peer) {
  const behind = [];
  for (const [title, field, higher, ties] of FIGURES) {
    const get = typeof field === 'function' ? field : (s) => s[field];
    const mine = get(gw);
    const theirs = get(peer);
    if (mine === null || theirs === null) continue;
    const ok = higher ? mine > theirs || (ties && mine === theirs) : mine < theirs || (ties && mine === theirs);
    if (!ok) behind.push(`${title} ${num(mine, 1)} vs ${num(theirs, 1)}`);
  }
  return { count: FIGURES.length, behind };
}

/** Per round, over the rounds where gateway, floor and direct stdio were all measured. */
function perRound(gw, floor, direct, get) {
  const values = [];
  for (const [round, run] of gw.byRound) {
    const [f, d] = [floor.byRound.get(round), direct.byRound.get(round)];
    if (f === undefined || d === undefined) continue;
    const value = get(run, f, d);
    if (Number.isFinite(value)) values.push(value);
  }
  return values.length > 0 ? { median: median(values), values } : null;
}

/**
 * What the gateway itself adds, with the server's own work and the stdio hop taken out: a call through
 * the gateway is an HTTP exchange (the floor, which answers at once) plus a stdio exchange with the
 * server (direct stdio), plus the gateway's own cost. So own cost = gateway p50 − (floor p50 + direct
 * p50), and the composite's per-call time is floor per-call + direct per-call, i.e. its calls/s is
 * 1 / (1/floor + 1/direct) of their 8-session calls/s. Both are taken round by round, then the median.
 */
function printOwnCost(gw, floor, direct, missing) {
  if (!gw || !floor || !direct) {
    const absent = !gw ? 'gateway' : !floor ? 'floor' : 'direct';
    goal('gateway own cost ≤ 80 µs and 8-session calls/s ≥ 1.0x floor-and-stdio composite', missing(absent), false);
    return;
  }
  const cost = perRound(gw, floor, direct, (g, f, d) => g.seq.p50 - (f.seq.p50 + d.seq.p50));
  const rounds = (paired, digits) => paired.values.map((v) => v.toFixed(digits)).join(' ');
  goal(
    'gateway own cost (p50 − floor p50 − direct stdio p50) ≤ 80 µs',
    cost ? `per round ${rounds(cost, 0)} µs; median ${num(cost.median)} µs` : 'n/a',
    cost !== null && cost.median <= 80,
  );
  const composite = (f, d) => 1 / (1 / f.conc.callsPerS + 1 / d.conc.callsPerS);
  const vs = perRound(gw, floor, direct, (g, f, d) => g.conc.callsPerS / composite(f, d));
  const at = perRound(gw, floor, direct, (_, f, d) => composite(f, d));
  goal(
    'gateway 8-session calls/s ≥ 1.0x floor-and-stdio composite',
    vs
      ? `${num(gw.concCps)}/s vs composite ${num(at.median)}/s; per round ${rounds(vs, 2)}; median ratio ${vs.median.toFixed(2)}x`
      : 'n/a',
    vs !== null && vs.median >= 1,
  );
  const cpu = perRound(gw, floor, direct, (g, f) => g.seq.cpuUs - f.seq.cpuUs);
  console.log(
    `CPU per sequential call of the target process: gateway (daemon) ${num(gw.seqCpuUs)} µs, floor ${num(floor.seqCpuUs)} µs, ` +
      `direct stdio (the server) ${num(direct.seqCpuUs)} µs; gateway − floor per round ${cpu ? `${rounds(cpu, 0)} µs; median ${num(cpu.median)} µs` : 'n/a'} ` +
      '(what the daemon spends besides serving HTTP: its stdio client side and its own work; steadier than latency on a shared machine)',
  );
  console.log(
    'own cost: gateway p50 − (floor p50 + direct stdio p50) in the same round, median of the rounds; ' +
      'composite: per-call time = floor per-call + direct stdio per-call, so calls/s = 1 / (1/floor + 1/direct stdio) of their 8-session calls/s.',
  );
}

/** Issue 8: a call through a 10-member profile against the same call on /servers/NAME/mcp. */
function printProfileGoals(gw, profile, missing) {
  if (!gw || !profile) {
    goal(
      'profile (10 members) p50 ≤ 1.1x and 8-session calls/s ≥ 0.9x gateway',
      missing(gw ? 'profile' : 'gateway'),
      false,
    );
    return;
  }
  const vsGateway = (name, unit, field, get, limit, atMost) => {
    const paired = pairedRatio(profile, gw, get);
    const rounds = paired ? paired.ratios.map((r) => r.toFixed(2)).join(' ') : 'none';
    goal(
      name,
      `${num(profile[field])}${unit} vs ${num(gw[field])}${unit}; per round ${rounds}; median ratio ${paired ? `${paired.median.toFixed(2)}x` : 'n/a'}`,
      paired !== null && (atMost ? paired.median <= limit : paired.median >= limit),
    );
  };
  vsGateway('profile (10 members) p50 ≤ 1.1x gateway p50', ' µs', 'seqP50', (r) => r.seq.p50, 1.1, true);
  vsGateway(
    'profile (10 members) 8-session calls/s ≥ 0.9x gateway',
    '/s',
    'concCps',
    (r) => r.conc.callsPerS,
    0.9,
    false,
  );
  goal(
    'profile zero wrong answers (and no failed calls)',
    `${profile.wrong} wrong, ${profile.failed} failed of ${num(profile.calls)}`,
    profile.wrong === 0 && profile.failed === 0,
  );
}

export function printGoals(summary, failures) {
  console.log('');
  const get = (key) => {
    const s = summary.get(key);
    return s && s.rounds > 0 ? s : null;
  };
  const missing = (key) => `not measured${failures.get(key) ? ` (${failures.get(key).split('\n')[0]})` : ''}`;
  const gw = get('gateway');
  const floor = get('floor');
  const direct = get('direct');
  const bridge = get('connect');
  if (gw && floor) {
    const vsFloor = (name, unit, field, get, limit, atMost) => {
      const paired = pairedRatio(gw, floor, get);
      const rounds = paired ? paired.ratios.map((r) => r.toFixed(2)).join(' ') : 'none';
      goal(
        name,
        `${num(gw[field])}${unit} vs ${num(floor[field])}${unit}; per round ${rounds}; median ratio ${paired ? `${paired.median.toFixed(2)}x` : 'n/a'}`,
        paired !== null && (atMost ? paired.median <= limit : paired.median >= limit),
      );
    };
    vsFloor('gateway p50 ≤ 1.5x floor p50', ' µs', 'seqP50', (r) => r.seq.p50, 1.5, true);
    vsFloor('gateway 8-session calls/s ≥ 0.8x floor', '/s', 'concCps', (r) => r.conc.callsPerS, 0.8, false);
    vsFloor('gateway 8-session p99 ≤ 1.3x floor', ' µs', 'concP99', (r) => r.conc.p99, 1.3, true);
  } else {
    goal('gateway vs floor (p50, 8-session calls/s and p99)', gw ? missing('floor') : missing('gateway'), false);
  }
  printOwnCost(gw, floor, direct, missing);
  printProfileGoals(gw, get('profile'), missing);
  if (gw) {
    goal(
      'gateway zero wrong answers (and no failed calls)',
      `${gw.wrong} wrong, ${gw.failed} failed of ${num(gw.calls)}`,
      gw.wrong === 0 && gw.failed === 0,
    );
    goal(
      'gateway peak RSS ≤ 80 MB',
      `${num(gw.hwmMb, 1)} MB (${ratio(gw.hwmMb, 80)})`,
      gw.hwmMb !== null && gw.hwmMb <= 80,
    );
    const ups = [gw, bridge].filter(Boolean).map((s) => s.upstreams);
    goal(
      'one upstream process at 8 sessions (gateway, connect)',
      `${ups.join(', ')} process(es)`,
      ups.every((n) => n === 1),
    );
  } else {
    goal('gateway wrong answers, RSS, one upstream', missing('gateway'), false);
  }
  if (bridge && direct) {
    const added = bridge.seqP50 - direct.seqP50;
    goal(
      'connect p50 ≤ direct stdio p50 + 1 ms',
      `${num(bridge.seqP50)} µs = direct ${num(direct.seqP50)} + ${num(added)} µs (${ratio(bridge.seqP50, direct.seqP50)})`,
      added <= 1000,
    );
  } else {
    goal('connect p50 ≤ direct stdio p50 + 1 ms', bridge ? missing('direct') : missing('connect'), false);
  }
  for (const key of ['supergateway', 'mcp-proxy', 'mcp-hub']) {
    const peer = get(key);
    if (!gw || !peer) {
      goal(`gateway ahead of ${key} on every figure`, gw ? missing(key) : missing('gateway'), false);
      continue;
    }
    const { count, behind } = aheadOf(gw, peer);
    const p50 = `p50 ${ratio(gw.seqP50, peer.seqP50)}, 8s calls/s ${ratio(gw.concCps, peer.concCps)}`;
    goal(
      `gateway ahead of ${key} on every figure`,
      `${count - behind.length}/${count} ahead (${p50})${behind.length ? `; behind on ${behind.join(', ')}` : ''}`,
      behind.length === 0,
    );
  }
}
