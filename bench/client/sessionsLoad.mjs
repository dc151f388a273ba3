// Many sessions on one gateway endpoint, driven by a raw keep-alive HTTP client (the SDK's client per
// session would cost more than the gateway it measures at this scale):
//   node bench/client/sessionsLoad.mjs '<spec json>'   → one JSON line of results on stdout.
// spec: { url, pid, sessions, rate, seconds, closedPer, smallSessions, smallPer, warmup, cap, sockets, timeoutMs }
//   1. warm-up, then `smallSessions` sessions each a closed loop of `smallPer` calls (the reference figure)
//   2. `sessions` sessions open; an open loop of `rate` calls/s for `seconds` s spread over them, each
//      call's latency taken from the time it was scheduled to go out, not from when it went (a late send
//      counts as latency: no coordinated omission)
//   3. a closed loop of `closedPer` calls on every one of them at once
//   4. sessions up to `cap`, then one more, which must be refused with 503 and Retry-After
//   5. every session DELETEd, then the reference of 1. again
// The daemon's memory (VmHWM) and open fds are sampled from /proc/<pid> throughout.
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { quantile } from '../lib.mjs';
import { descendants } from '../proc.mjs';
import { errors, note, reportRun } from './child.mjs';

const spec = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.sockets });
const PROTOCOL = '2025-06-18';

function post(body, sessionId, method = 'POST') {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? '' : JSON.stringify(body);
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'content-length': Buffer.byteLength(data),
      'mcp-protocol-version': PROTOCOL,
    };
    if (sessionId !== undefined) headers['mcp-session-id'] = sessionId;
    const req = http.request(spec.url, { method, agent, headers, timeout: spec.timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${spec.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(data);
  });
}

/** The JSON-RPC answer of a POST: the JSON body, or the SSE event that carries the response. */
function answerOf(reply) {
  if (!String(reply.headers['content-type']).startsWith('text/event-stream')) return JSON.parse(reply.text);
  for (const line of reply.text.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const message = JSON.parse(line.slice(5));
    if (!('method' in message)) return message;
  }
  throw new Error('the event stream carried no response');
}

async function openSession() {
  const init = await post({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: PROTOCOL,
      capabilities: {},
      clientInfo: { name: 'mcpctl-bench-sessions', version: '0' },
    },
  });
  const id = init.headers['mcp-session-id'];
  if (init.status !== 200 || id === undefined) {
    const error = new Error(`initialize answered ${init.status}: ${init.text.slice(0, 200)}`);
    error.reply = init;
    throw error;
  }
  const ack = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, id);
  if (ack.status !== 202) throw new Error(`notifications/initialized answered ${ack.status}`);
  return { id, next: 1 };
}

/** One echo call; resolves true when the answer is this call's own, false (noted) otherwise. */
async function call(session) {
  const id = session.next++;
  const message = `${session.id.slice(0, 8)}-${id}`;
  try {
    const reply = await post(
      { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { message } } },
      session.id,
    );
    if (reply.status !== 200) throw new Error(`answered ${reply.status}: ${reply.text.slice(0, 200)}`);
    const answer = answerOf(reply);
    if (answer.id !== id || answer.result?.content?.[0]?.text !== `Echo: ${message}`) {
      throw new Error(`wrong answer: ${JSON.stringify(answer).slice(0, 200)}`);
    }
    return true;
  } catch (error) {
    note('call', error);
    return false;
  }
}

async function openMany(count, parallel = 32) {
  const sessions = [];
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      try {
        sessions.push(await openSession());
      } catch (error) {
        failed++;
        note('open', error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return { sessions, failed };
}

const closeAll = (sessions) =>
  Promise.all(
    sessions.map((session) =>
      post(undefined, session.id, 'DELETE').then(
        (reply) => reply.status === 200,
        () => false,
      ),
    ),
  );

/** CPU time (user + system, µs) so far of the daemon, its upstream server(s), and this client. */
function cpuNow() {
  const of = (pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10_000; // clock ticks of 10 ms
    } catch {
      return 0;
    }
  };
  const own = process.cpuUsage();
  return {
    daemon: of(spec.pid),
    upstream: descendants(spec.pid).reduce((sum, pid) => sum + of(pid), 0),
    client: own.user + own.system,
  };
}

/** CPU µs per answered call of each process since `before`. */
function cpuPerCall(before, calls) {
  const now = cpuNow();
  const per = (key) => (calls > 0 ? (now[key] - before[key]) / calls : null);
  return { daemon: per('daemon'), upstream: per('upstream'), client: per('client') };
}

/** Every session a closed loop of `per` calls, all at once. */
async function closedLoop(sessions, per) {
  const latencies = [];
  let failed = 0;
  const cpu = cpuNow();
  const started = performance.now();
  await Promise.all(
    sessions.map(async (session) => {
      for (let i = 0; i < per; i++) {
        const t = performance.now();
        if (await call(session)) latencies.push(performance.now() - t);
        else failed++;
      }
    }),
  );
  return { ...summary(latencies, failed, performance.now() - started), cpu: cpuPerCall(cpu, latencies.length) };
}

/** `rate` calls/s for `seconds`, call k scheduled at start + k/rate on session k mod n, whatever came back. */
async function openLoop(sessions, rate, seconds) {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies = [];
  const inFlight = [];
  let failed = 0;
  let lateSends = 0;
  const cpu = cpuNow();
  const start = performance.now() + 20;
  let k = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (k < total && start + k * interval <= now) {
        const scheduled = start + k * interval;
        if (now - scheduled > 5) lateSends++;
        const session = sessions[k % sessions.length];
        inFlight.push(
          call(session).then((ok) => {
            if (ok) latencies.push(performance.now() - scheduled);
            else failed++;
          }),
        );
        k++;
      }
      if (k < total) setTimeout(tick, Math.max(0, start + k * interval - performance.now()));
      else resolve();
    };
    setTimeout(tick, 20);
  });
  await Promise.all(inFlight);
  return {
    ...summary(latencies, failed, performance.now() - start),
    offered: rate,
    lateSends,
    cpu: cpuPerCall(cpu, latencies.length),
  };
}

function summary(latencies, failed, wallMs) {
  const us = (q) => (latencies.length === 0 ? null : quantile(latencies, q) * 1000);
  return {
    count: latencies.length,
    failed,
    p50: us(0.5),
    p99: us(0.99),
    max: us(1),
    callsPerS: (latencies.length / wallMs) * 1000,
  };
}

// ---- the daemon's memory and fds, sampled while everything runs
const daemon = { peakFds: 0, samples: 0 };
function sample() {
  try {
    daemon.peakFds = Math.max(daemon.peakFds, readdirSync(`/proc/${spec.pid}/fd`).length);
    daemon.samples++;
  } catch {
    // Gone: the result will show it.
  }
}
function memory() {
  try {
    const status = readFileSync(`/proc/${spec.pid}/status`, 'utf8');
    const mb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
    return { rss: mb('VmRSS'), hwm: mb('VmHWM') };
  } catch {
    return null;
  }
}
function fdLimit() {
  try {
    return Number(/Max open files\s+(\d+)/.exec(readFileSync(`/proc/${spec.pid}/limits`, 'utf8'))?.[1]);
  } catch {
    return null;
  }
}

/** A few fresh sessions, nothing else open, each a closed loop: the reference for the many-session loop. */
async function smallLoop(warmup) {
  const few = await openMany(spec.smallSessions);
  if (few.failed > 0) throw new Error(`could not open ${spec.smallSessions} sessions: ${errors.join('; ')}`);
  if (warmup > 0) await closedLoop(few.sessions, warmup);
  const result = { sessions: few.sessions.length, ...(await closedLoop(few.sessions, spec.smallPer)) };
  await closeAll(few.sessions);
  return result;
}

async function run() {
  const sampler = setInterval(sample, 100);
  const out = { errors, fdLimit: fdLimit(), idleMemory: memory() };
  // The reference: a few sessions, each a closed loop, on a daemon that holds nothing else.
  out.small = await smallLoop(spec.warmup);

  const openedAt = performance.now();
  const many = await openMany(spec.sessions);
  out.open = { sessions: many.sessions.length, failed: many.failed, ms: performance.now() - openedAt };
  out.openMemory = memory();
  out.openLoop = await openLoop(many.sessions, spec.rate, spec.seconds);
  out.openLoopMemory = memory();
  out.closedLoop = { sessions: many.sessions.length, ...(await closedLoop(many.sessions, spec.closedPer)) };

  // Up to the cap, then one over it.
  const extra = await openMany(spec.cap - many.sessions.length);
  out.atCap = many.sessions.length + extra.sessions.length;
  try {
    await openSession();
    out.overCap = { status: 200 };
  } catch (error) {
    out.overCap = { status: error.reply?.status ?? null, retryAfter: error.reply?.headers['retry-after'] ?? null };
  }
  const all = [...many.sessions, ...extra.sessions];
  const deleted = await closeAll(all);
  out.deleted = deleted.filter(Boolean).length;
  out.deleteFailed = deleted.length - out.deleted;
  // The reference again, the same way, so a machine whose load drifted during the run moves both sides.
  out.smallAfter = await smallLoop(0);
  clearInterval(sampler);
  sample();
  out.fds = { peak: daemon.peakFds, samples: daemon.samples };
  out.memory = memory();
  return out;
}

await reportRun(run);
