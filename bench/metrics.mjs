// Issue 11: what metrics collection costs the gateway (metrics on vs off, rounds interleaved, the
// ratio taken round by round), and the daemon's memory with 20 servers and metrics on.

import { gatewaySettings, measureAlternating } from './gateway.mjs';
import { cli, EVERYTHING, fmt, median, rssMb } from './lib.mjs';
import { pairedRatio } from './report.mjs';
import { daemonTarget, SERVER, startDaemon } from './targets/mcpctl.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const SERVERS = 20;

/** a − b of one figure within each round (the two measured back to back), for every round both ran. */
function pairedDelta(a, b, get) {
  const deltas = [];
  for (const [round, run] of a.byRound) {
    const other = b.byRound.get(round);
    if (other !== undefined && Number.isFinite(get(run)) && Number.isFinite(get(other)))
      deltas.push(get(run) - get(other));
  }
  return deltas;
}

/** The gateway target on a daemon whose config says `metrics.enabled: <enabled>`. */
const gatewayWithMetrics = (enabled) =>
  daemonTarget({
    key: enabled ? 'metrics-on' : 'metrics-off',
    label: `mcpctl gateway, metrics ${enabled ? 'on' : 'off'}`,
    setup: (home) => cli(home, ['config', 'set', 'metrics.enabled', String(enabled)]),
  });

async function waitUntil(what, check, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function benchMetrics() {
  const settings = { ...gatewaySettings(), rounds: env('BENCH_METRICS_ROUNDS', 5) };
  const targets = [gatewayWithMetrics(true), gatewayWithMetrics(false)];
  console.log(
    `\n## Metrics on vs off (${settings.rounds} rounds interleaved; 1 session: ${settings.warmup} warm-up + ${settings.n} calls; ` +
      `${settings.sessions} sessions × ${settings.per} calls; echo of server-everything through the gateway)`,
  );
  const summary = await measureAlternating(targets, settings);
  const on = summary.get('metrics-on');
  const off = summary.get('metrics-off');
  const seq = pairedRatio(on, off, (r) => r.seq.callsPerS);
  const conc = pairedRatio(on, off, (r) => r.conc.callsPerS);
  const p50 = pairedRatio(on, off, (r) => r.seq.p50);
  const p50DeltaUs = on.seqP50 - off.seqP50;
  const roundDeltas = pairedDelta(on, off, (r) => r.seq.p50);
  const costPct = (ratio) => (ratio === null ? null : (1 - ratio.median) * 100);
  const seqCost = costPct(seq);
  const concCost = costPct(conc);
  console.log(
    `goal metrics cost ≤ 3 % of throughput : 1 session ${fmt(seqCost ?? NaN)} %, 8 sessions ${fmt(concCost ?? NaN)} % ` +
      `(paired on/off ratios ${[seq, conc].map((r) => r?.ratios.map((x) => x.toFixed(3)).join(' ') ?? 'n/a').join(' ; ')}) ` +
      `${seqCost !== null && concCost !== null && Math.max(seqCost, concCost) <= 3 ? 'PASS' : 'MISS'}`,
  );
  console.log(
    `goal metrics cost ≤ 0.05 ms of p50 : ${fmt(on.seqP50, 0)} µs on vs ${fmt(off.seqP50, 0)} µs off (${p50DeltaUs >= 0 ? '+' : ''}${fmt(p50DeltaUs, 0)} µs; paired ratio ${p50?.median.toFixed(3) ?? 'n/a'}) ` +
      `${p50DeltaUs <= 50 ? 'PASS' : 'MISS'}`,
  );
  console.log(
    `metrics p50 on − off within each round: ${roundDeltas.map((d) => `${d >= 0 ? '+' : ''}${fmt(d, 0)}`).join(' ')} µs ` +
      `(median ${roundDeltas.length > 0 ? fmt(median(roundDeltas), 0) : 'n/a'} µs); on/off p50 ratio per round ${p50?.ratios.map((x) => x.toFixed(3)).join(' ') ?? 'n/a'}; ` +
      'the verdict above compares the medians of the rounds',
  );
  await benchRss();
}

/** The daemon with 20 servers (server-everything ×20), metrics on, scraped: its RSS then. */
async function benchRss() {
  const daemon = await startDaemon((home) => {
    for (let i = 2; i <= SERVERS; i++)
      cli(home, ['server', 'add', `${SERVER}-${i}`, '--', process.execPath, EVERYTHING, 'stdio']);
  });
  try {
    await waitUntil(`${SERVERS} servers running`, () => {
      const views = JSON.parse(cli(daemon.home, ['ls', '-o', 'json']).stdout);
      return views.filter((view) => view.state === 'running').length === SERVERS;
    });
    const scrapes = [];
    let body = '';
    for (let i = 0; i < 5; i++) {
      const started = process.hrtime.bigint();
      body = await (await fetch(`${daemon.url}/metrics`)).text();
      scrapes.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const series = body.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
    console.log(
      `daemon RSS with ${SERVERS} servers, metrics on: ${fmt(rssMb(daemon.pid))} MB ` +
        `(/metrics: ${series} series, ${fmt(body.length / 1024)} KiB, scrape ${fmt(Math.min(...scrapes))}–${fmt(Math.max(...scrapes))} ms)`,
    );
  } finally {
    await daemon.stop();
  }
}
