// Sessions at scale: 1,000 sessions on one shared server (server-everything) behind one daemon, an open
// loop of 500 calls/s spread over them, then a closed loop on all of them, the session cap, and DELETE.
import { join } from 'node:path';
import { cli, ROOT } from './lib.mjs';
import { runClient } from './proc.mjs';
import { SERVER, startDaemon } from './targets/mcpctl.mjs';

const LOAD = join(ROOT, 'bench/client/sessionsLoad.mjs');
const env = (name, fallback) => Number(process.env[name] ?? fallback);

export const sessionsSettings = () => ({
  sessions: env('BENCH_SESSIONS', 1000),
  rate: env('BENCH_SESSIONS_RATE', 500),
  seconds: env('BENCH_SESSIONS_SECONDS', 20),
  // Every one of the sessions in flight at once, 4 calls each; the reference is 8 sessions × 500.
  closedPer: env('BENCH_SESSIONS_CLOSED_PER', 4),
  smallSessions: 8,
  smallPer: env('BENCH_SESSIONS_SMALL_PER', 500),
  warmup: 200,
  // The gateway's default session cap (GATEWAY_DEFAULTS.maxSessions).
  cap: 1024,
  // Sessions are not connections: a bounded keep-alive pool carries them all, as a real multiplexing
  // client would (and the daemon's fds stay far below any limit).
  sockets: env('BENCH_SESSIONS_SOCKETS', 64),
  timeoutMs: 10_000,
  runTimeoutMs: env('BENCH_SESSIONS_TIMEOUT_MS', 300_000),
});

const num = (value, digits = 0) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '–'
    : Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function goal(name, measured, pass) {
  console.log(`goal ${name} : ${measured} ${pass ? 'PASS' : 'MISS'}`);
}

/** Open sessions of the bench's server the daemon still holds, from `session ls`. */
function openSessions(home) {
  const listed = JSON.parse(cli(home, ['session', 'ls', '--server', SERVER, '-o', 'json']).stdout);
  return listed.length;
}

async function measure(settings) {
  const daemon = await startDaemon();
  try {
    const spec = { ...settings, url: `${daemon.url}/servers/${SERVER}/mcp`, pid: daemon.pid };
    const { result } = await runClient(LOAD, spec, settings.runTimeoutMs, 'load client');
    if (result.fatal) throw new Error(result.fatal);
    result.leftOpen = openSessions(daemon.home);
    return result;
  } finally {
    await daemon.stop();
  }
}

export async function benchSessions() {
  const s = sessionsSettings();
  console.log(
    `\n## Sessions at scale (${num(s.sessions)} sessions on one shared server-everything; open loop ${s.rate} calls/s for ${s.seconds} s ` +
      `spread over them; closed loop ${s.closedPer} calls on each at once; reference ${s.smallSessions} sessions × ${s.smallPer}; ` +
      `raw keep-alive HTTP client, ${s.sockets} sockets)`,
  );
  let r;
  try {
    r = await measure(s);
  } catch (error) {
    goal('sessions at scale', `not measured (${error.message.split('\n').slice(0, 3).join(' | ')})`, false);
    return null;
  }
  const ol = r.openLoop;
  const cl = r.closedLoop;
  console.log(
    `opened ${num(r.open.sessions)} sessions in ${num(r.open.ms)} ms (${r.open.failed} failed); ` +
      `daemon RSS idle ${num(r.idleMemory?.rss, 1)} MB, with the sessions open ${num(r.openMemory?.rss, 1)} MB, after the open loop ${num(r.openLoopMemory?.rss, 1)} MB, peak (VmHWM) ${num(r.memory?.hwm, 1)} MB; ` +
      `open fds peak ${num(r.fds.peak)} (limit ${num(r.fdLimit)})`,
  );
  console.log(
    `open loop: ${num(ol.count)} of ${num(s.rate * s.seconds)} calls answered at ${num(ol.callsPerS)}/s, p50 ${num(ol.p50)} µs, p99 ${num(ol.p99)} µs, max ${num(ol.max)} µs ` +
      `(from the scheduled send), ${ol.failed} errors, ${ol.lateSends} sends over 5 ms late`,
  );
  console.log(
    `closed loop: ${num(cl.sessions)} sessions ${num(cl.callsPerS)} calls/s (p50 ${num(cl.p50)} µs, p99 ${num(cl.p99)} µs, ${cl.failed} errors); ` +
      `${r.small.sessions} sessions ${num(r.small.callsPerS)} calls/s before, ${num(r.smallAfter.callsPerS)} after ` +
      `(p50 ${num(r.small.p50)} µs, p99 ${num(r.small.p99)} µs, ${r.small.failed + r.smallAfter.failed} errors)`,
  );
  const cpu = (phase) =>
    `daemon ${num(phase.cpu.daemon)}, server ${num(phase.cpu.upstream)}, client ${num(phase.cpu.client)}`;
  console.log(
    `CPU µs per call: open loop ${cpu(ol)}; closed loop ${num(cl.sessions)} sessions ${cpu(cl)}; ${r.small.sessions} sessions ${cpu(r.small)}`,
  );
  for (const error of r.errors) console.log(`  ${error}`);
  goal('open loop p99 ≤ 50 ms', `${num(ol.p99 / 1000, 1)} ms`, ol.p99 !== null && ol.p99 <= 50_000);
  const errors = ol.failed + cl.failed + r.small.failed + r.smallAfter.failed + r.open.failed;
  goal('0 errors (opens, open and closed loops)', `${errors} errors`, errors === 0 && ol.count === s.rate * s.seconds);
  goal('daemon peak RSS ≤ 256 MB', `${num(r.memory?.hwm, 1)} MB`, r.memory !== null && r.memory.hwm <= 256);
  const reference = (r.small.callsPerS + r.smallAfter.callsPerS) / 2;
  const ratio = cl.callsPerS / reference;
  goal(
    `closed loop over ${num(s.sessions)} sessions ≥ 0.8x ${s.smallSessions}-session calls/s (the mean of before and after)`,
    `${num(cl.callsPerS)}/s vs ${num(reference)}/s (${ratio.toFixed(2)}x)`,
    ratio >= 0.8,
  );
  goal(
    `session ${s.cap + 1} (cap ${s.cap}) refused with 503 + Retry-After`,
    `${num(r.atCap)} open, then ${r.overCap.status}${r.overCap.retryAfter ? ` Retry-After: ${r.overCap.retryAfter}` : ' without Retry-After'}`,
    r.atCap === s.cap && r.overCap.status === 503 && r.overCap.retryAfter !== null,
  );
  goal(
    'every session gone after DELETE',
    `${num(r.deleted)} deleted (${r.deleteFailed} refused), ${r.leftOpen} left in session ls`,
    r.deleteFailed === 0 && r.leftOpen === 0,
  );
  return r;
}
