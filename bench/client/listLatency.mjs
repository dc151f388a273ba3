// tools/list latency through the gateway, raw HTTP (no SDK client, whose validation of a long list
// would swamp what the daemon does): one server's endpoint and a profile's, interleaved, then the
// profile's after each `notifications/tools/list_changed` of one member.
//   node bench/client/listLatency.mjs '<spec json>'  → one JSON line on stdout
// spec: { serverUrl, profileUrl, reps, warmup, changedReps, trigger /* a profile tool that changes its member's list */ }
import { Agent, request } from 'node:http';
import { median } from '../lib.mjs';
import { reportRun } from './child.mjs';

const spec = JSON.parse(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const ACCEPT = 'application/json, text/event-stream';

function post(url, sessionId, body) {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', accept: ACCEPT, 'mcp-protocol-version': '2025-06-18' };
    if (sessionId) headers['mcp-session-id'] = sessionId;
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** The JSON-RPC answer in a body that is either JSON or an SSE stream. */
function answerOf(reply) {
  if (reply.headers['content-type']?.startsWith('application/json')) return JSON.parse(reply.body);
  const data = reply.body.split('\n').filter((line) => line.startsWith('data:'));
  return JSON.parse(data.at(-1).slice(5));
}

async function openSession(url) {
  const init = await post(url, null, {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'mcpctl-bench', version: '0' } },
  });
  if (init.status !== 200) throw new Error(`initialize on ${url}: HTTP ${init.status} ${init.body.slice(0, 200)}`);
  const id = init.headers['mcp-session-id'];
  await post(url, id, { jsonrpc: '2.0', method: 'notifications/initialized' });
  let next = 1;
  return {
    id,
    async call(method, params = {}) {
      const reply = await post(url, id, { jsonrpc: '2.0', id: next++, method, params });
      const answer = answerOf(reply);
      if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
      return answer.result;
    },
  };
}

/** Resolves at each list_changed on the session's GET stream. */
function listChanges(url, sessionId) {
  let waiting = null;
  let seen = 0;
  const req = request(url, {
    method: 'GET',
    headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
  });
  req.on('response', (res) => {
    res.setEncoding('utf8');
    res.on('data', (text) => {
      if (!text.includes('notifications/tools/list_changed')) return;
      seen++;
      waiting?.();
    });
  });
  req.end();
  return {
    next(after) {
      if (seen > after) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no tools/list_changed within 10 s')), 10_000);
        waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
    get seen() {
      return seen;
    },
    close: () => req.destroy(),
  };
}

async function timed(fn) {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

async function run() {
  const server = await openSession(spec.serverUrl);
  const profile = await openSession(spec.profileUrl);
  const serverTimes = [];
  const profileTimes = [];
  let serverTools = 0;
  let profileTools = 0;
  for (let i = 0; i < spec.warmup + spec.reps; i++) {
    const a = await timed(() => server.call('tools/list'));
    const b = await timed(() => profile.call('tools/list'));
    if (i < spec.warmup) continue;
    serverTimes.push(a.ms);
    profileTimes.push(b.ms);
    serverTools = a.value.tools.length;
    profileTools = b.value.tools.length;
  }
  const changes = listChanges(spec.profileUrl, profile.id);
  const changedTimes = [];
  for (let i = 0; i < spec.changedReps; i++) {
    const before = changes.seen;
    await profile.call('tools/call', { name: spec.trigger, arguments: {} });
    await changes.next(before);
    changedTimes.push((await timed(() => profile.call('tools/list'))).ms);
  }
  changes.close();
  return {
    serverTools,
    profileTools,
    server: median(serverTimes),
    profile: median(profileTimes),
    changed: median(changedTimes),
  };
}

await reportRun(run);
