// Issue 8 figures: a tools/call through a 10-member profile against the same call on one server's own
// endpoint, on one daemon, rounds interleaved; then tools/list of the profile (cached, and after one
// member's list_changed) against one server's.
import { join } from 'node:path';
import { cli, EVERYTHING, median, ROOT } from './lib.mjs';
import { runClient } from './proc.mjs';
import { startDaemon } from './targets/mcpctl.mjs';

const MEASURE = join(ROOT, 'bench/client/measure.mjs');
const LIST = join(ROOT, 'bench/client/listLatency.mjs');
const LIST_CHANGED = join(ROOT, 'test/fixtures/servers/listChanged.mjs');
const PROFILE = 'bench';
const EVERYTHINGS = 9;
const env = (name, fallback) => Number(process.env[name] ?? fallback);

export const profileSettings = () => ({
  rounds: env('BENCH_PROFILE_ROUNDS', 5),
  n: env('BENCH_PROFILE_N', 1000),
  warmup: 200,
  sessions: 8,
  per: env('BENCH_PROFILE_PER', 300),
  loadWarmup: 100,
  concWarmup: 50,
  listReps: env('BENCH_PROFILE_LIST_REPS', 200),
  changedReps: env('BENCH_PROFILE_CHANGED_REPS', 30),
  timeoutMs: 180_000,
});

/** Nine server-everything (e0 … e8) and the list-changed fixture (lc), all members of one profile. */
function defineProfile(home) {
  const members = [];
  for (let i = 0; i < EVERYTHINGS; i++) {
    cli(home, ['server', 'add', `e${i}`, '--', process.execPath, EVERYTHING, 'stdio']);
    members.push(`e${i}`);
  }
  cli(home, ['server', 'add', 'lc', '--', process.execPath, LIST_CHANGED]);
  members.push('lc');
  cli(home, ['profile', 'create', PROFILE, ...members.flatMap((name) => ['--server', name])]);
}

const num = (value, digits = 0) =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : Number(value).toFixed(digits);

function goal(name, measured, pass) {
  console.log(`goal ${name} : ${measured} ${pass ? 'PASS' : 'MISS'}`);
}

async function measureCalls(daemon, target, s) {
  const spec = {
    target,
    n: s.n,
    warmup: s.warmup,
    sessions: s.sessions,
    per: s.per,
    loadWarmup: s.loadWarmup,
    concWarmup: s.concWarmup,
    pid: daemon.pid,
    treeRoot: daemon.pid,
    script: EVERYTHING,
    t0: null,
    readyTimeoutMs: 30_000,
  };
  const { result, stderr } = await runClient(MEASURE, spec, s.timeoutMs, 'measuring client');
  if (result.fatal || !result.seq) throw new Error(`${result.fatal ?? 'no figures'}${stderr ? `\n${stderr}` : ''}`);
  const failed = result.seq.failed + result.conc.failed + result.seq.wrong + result.conc.wrong;
  return { p50: result.seq.p50, callsPerS: result.conc.callsPerS, failed };
}

export async function benchProfiles() {
  const s = profileSettings();
  console.log(
    `\n## Profiles (one daemon; a profile of ${EVERYTHINGS + 1} members: ${EVERYTHINGS} server-everything + the list-changed fixture; ` +
      `${s.rounds} rounds, each: ${s.n} sequential echo calls and ${s.sessions} sessions × ${s.per}, on /servers/e0/mcp and on ` +
      `/profiles/${PROFILE}/mcp as e0__echo, in alternating order)`,
  );
  let daemon;
  try {
    daemon = await startDaemon(defineProfile);
  } catch (error) {
    goal('profile figures', `not measured (${error.message.split('\n').slice(0, 3).join(' | ')})`, false);
    return null;
  }
  try {
    const server = { kind: 'http', url: `${daemon.url}/servers/e0/mcp` };
    const profile = { kind: 'http', url: `${daemon.url}/profiles/${PROFILE}/mcp`, tool: 'e0__echo' };
    const rows = [];
    for (let round = 1; round <= s.rounds; round++) {
      const pair = {};
      const order = round % 2 ? ['server', 'profile'] : ['profile', 'server'];
      for (const which of order) pair[which] = await measureCalls(daemon, which === 'server' ? server : profile, s);
      rows.push(pair);
      console.log(
        `round ${round}: p50 server ${num(pair.server.p50)} µs, profile ${num(pair.profile.p50)} µs; ` +
          `${s.sessions}-session calls/s server ${num(pair.server.callsPerS)}, profile ${num(pair.profile.callsPerS)}`,
      );
    }
    const p50Ratio = median(rows.map((row) => row.profile.p50 / row.server.p50));
    const callsRatio = median(rows.map((row) => row.profile.callsPerS / row.server.callsPerS));
    const failed = rows.reduce((sum, row) => sum + row.server.failed + row.profile.failed, 0);
    const lists = await runClient(
      LIST,
      {
        serverUrl: server.url,
        profileUrl: profile.url,
        reps: s.listReps,
        warmup: 20,
        changedReps: s.changedReps,
        trigger: 'lc__add-tool',
      },
      s.timeoutMs,
      'list client',
    );
    if (lists.result.fatal) throw new Error(lists.result.fatal);
    const l = lists.result;
    console.log(
      `tools/list median: one server (${l.serverTools} tools) ${num(l.server * 1000)} µs; profile (${l.profileTools} tools) cached ` +
        `${num(l.profile * 1000)} µs, after a member's list_changed ${num(l.changed * 1000)} µs`,
    );
    goal(
      'profile tools/call p50 ≤ 1.1x the server endpoint (median of rounds)',
      `${p50Ratio.toFixed(2)}x`,
      p50Ratio <= 1.1,
    );
    goal(
      `profile ${s.sessions}-session calls/s ≥ 0.9x the server endpoint (median of rounds)`,
      `${callsRatio.toFixed(2)}x`,
      callsRatio >= 0.9,
    );
    goal('0 failed or wrong calls', `${failed}`, failed === 0);
    const listRatio = l.profile / l.server;
    goal("profile tools/list (cached) ≤ 1.2x one server's", `${listRatio.toFixed(2)}x`, listRatio <= 1.2);
    return { p50Ratio, callsRatio, listRatio, list: l };
  } catch (error) {
    goal('profile figures', `not measured (${error.message.split('\n').slice(0, 3).join(' | ')})`, false);
    return null;
  } finally {
    await daemon.stop();
  }
}
