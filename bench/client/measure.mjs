// Measures one target in a process of its own (so every target meets a fresh client):
//   node bench/client/measure.mjs '<spec json>'   → one JSON line of results on stdout.
// spec: { target, n, warmup, sessions, per, loadWarmup, concWarmup, pid, treeRoot, script, t0, readyTimeoutMs }
//   loadWarmup  calls per session of an unmeasured run of `sessions` concurrent sessions before anything
//               is measured: a target is launched fresh each round, but a gateway serves warm (its JIT
//               and heap settled), and a short sequential warm-up leaves code that only concurrency
//               reaches cold
//   concWarmup  calls per session, unmeasured, on the concurrent phase's own fresh sessions
//   pid       process whose memory (and CPU per sequential call) is the target's (gateway, floor, peer); null: the first session's child
//   treeRoot  pid whose descendants are counted at 8 sessions; null: this process (stdio targets)
//   script    argument that marks an upstream server process (server-everything's dist/index.js)
import { median } from '../lib.mjs';
import { cpuSeconds, memoryMb, sleep, treeSample } from '../proc.mjs';
import { errors, note, reportRun } from './child.mjs';
import { openSession } from './session.mjs';

const spec = JSON.parse(process.argv[2]);
const TTFR_PROBES = 5;

function stats(latencies, count, wallMs) {
  const sorted = latencies.slice(0, count).sort();
  const at = (q) => (count === 0 ? null : sorted[Math.min(count - 1, Math.ceil(q * count) - 1)] * 1000);
  return { count, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1), callsPerS: (count / wallMs) * 1000 };
}

/** Open + one answered call, retried until the target is up: a gateway may accept before it can answer. */
async function firstSession() {
  const deadline = Date.now() + spec.readyTimeoutMs;
  for (let tries = 1; ; tries++) {
    try {
      const session = await openSession(spec.target);
      try {
        if ((await session.call('ready')) !== 'Echo: ready') throw new Error('wrong answer to the first call');
        return { session, tries, readyMs: spec.t0 ? Date.now() - spec.t0 : null };
      } catch (error) {
        await session.close();
        throw error;
      }
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`not ready after ${tries} tries: ${error.message}`);
      await sleep(50);
    }
  }
}

/**
 * A closed loop of `count` calls, each with a message of its own that the answer must echo.
 * `latencies` (null for a warm-up) gets each answered call's time at the tally's count.
 */
async function loop(session, tag, count, latencies, tally) {
  for (let i = 0; i < count; i++) {
    const message = `${tag}-${i}-${Math.random().toString(36).slice(2, 10)}`;
    const started = performance.now();
    try {
      const text = await session.call(message);
      if (latencies) latencies[tally.count] = performance.now() - started;
      tally.count++;
      if (text !== `Echo: ${message}`) tally.wrong++;
    } catch (error) {
      tally.failed++;
      note(`call ${tag}`, error);
    }
  }
}

/** `loop` on every session at once, `count` calls each; resolves with the latencies when `measured`. */
async function loopAll(sessions, tag, count, tally, measured = false) {
  const latencies = measured ? new Float64Array(sessions.length * count) : null;
  await Promise.all(sessions.map((session, k) => loop(session, `${tag}${k}`, count, latencies, tally)));
  return latencies;
}

/** Opens `count` sessions at once; those that fail are noted and left out. */
async function openSessions(count) {
  const opened = await Promise.allSettled(Array.from({ length: count }, () => openSession(spec.target)));
  const sessions = [];
  for (const result of opened) {
    if (result.status === 'fulfilled') sessions.push(result.value);
    else note('connect', result.reason);
  }
  return sessions;
}

async function run() {
  const out = { errors };
  const first = await firstSession();
  out.readyMs = first.readyMs;
  out.readyTries = first.tries;
  // New sessions on a target that is up (the first one may have waited for its server to start);
  // the median of a few, as one connect alone swings by milliseconds.
  const probes = [];
  for (let i = 0; i < TTFR_PROBES; i++) {
    const probe = await openSession(spec.target);
    probes.push(probe.ttfrMs);
    await probe.close();
  }
  out.ttfrMs = median(probes);
  const memoryPid = spec.pid ?? first.session.pid;
  out.idleMemory = memoryMb(memoryPid); // up and answering, before any load
  const warm = { count: 0, wrong: 0, failed: 0 };
  if (spec.loadWarmup > 0) {
    const extra = await openSessions(spec.sessions - 1);
    await loopAll([first.session, ...extra], 'lw', spec.loadWarmup, warm);
    await Promise.all(extra.map((session) => session.close()));
  }
  await loop(first.session, 'w', spec.warmup, null, warm);

  const seqLatencies = new Float64Array(spec.n);
  const seq = { count: 0, wrong: 0, failed: 0 };
  const cpuBefore = cpuSeconds(memoryPid);
  const seqStarted = performance.now();
  await loop(first.session, 's', spec.n, seqLatencies, seq);
  out.seq = { ...stats(seqLatencies, seq.count, performance.now() - seqStarted), wrong: seq.wrong, failed: seq.failed };
  // The target process's CPU per sequential call: on a shared machine, steadier than its latency.
  const cpuAfter = cpuSeconds(memoryPid);
  if (cpuBefore !== null && cpuAfter !== null && seq.count > 0)
    out.seq.cpuUs = ((cpuAfter - cpuBefore) * 1e6) / seq.count;
  // A stdio bridge (mcpctl connect) is a process of its own between client and gateway: show its cost.
  if (spec.pid && first.session.pid) out.bridge = memoryMb(first.session.pid);
  const seqMemory = memoryMb(memoryPid); // direct stdio: its server exits with the session
  await first.session.close();

  const sessions = await openSessions(spec.sessions);
  await loopAll(sessions, 'cw', spec.concWarmup, warm);
  // Warm-up answers are checked too: a wrong one counts however early it came.
  out.warm = { wrong: warm.wrong, failed: warm.failed };
  const conc = { count: 0, wrong: 0, failed: 0 };
  const concStarted = performance.now();
  const concLatencies = await loopAll(sessions, 'c', spec.per, conc, true);
  out.conc = {
    ...stats(concLatencies, conc.count, performance.now() - concStarted),
    sessions: sessions.length,
    wrong: conc.wrong,
    failed: conc.failed + (spec.sessions - sessions.length) * spec.per,
  };
  // While all sessions are still open: how many upstream servers serve them, and what it all weighs.
  out.tree = treeSample(spec.treeRoot ?? process.pid, spec.script);
  if (!spec.treeRoot) out.tree.treeRss -= memoryMb(process.pid)?.rss ?? 0; // the client is not the target
  out.memory = memoryMb(memoryPid) ?? seqMemory;
  await Promise.all(sessions.map((session) => session.close()));
  return out;
}

await reportRun(run);
