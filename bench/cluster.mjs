// Issue 13: what a cluster costs and gives, side by side in one run (rounds interleaved, ratios taken
// round by round): (a) one node's gateway on PostgreSQL against SQLite; (b) calls/s through 3 nodes
// behind HAProxy (affinity on Mcp-Session-Id) against 1 node alone; (c) the p50 of a request that
// lands on a node not owning its session (forwarded to the owner) against a local one.
import { availableParallelism } from 'node:os';
import { gatewaySettings, measureAlternating } from './gateway.mjs';
import { fmt } from './lib.mjs';
import { pairedRatio } from './report.mjs';
import { forwardedCount, missingTools, startCluster, startPostgres } from './targets/cluster.mjs';
import { SERVER, startDaemon } from './targets/mcpctl.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const PATH = `/servers/${SERVER}/mcp`;
// Within ±10 % the median paired ratio is this machine's round-to-round noise, not the store.
const NOISE = 0.1;

const roundsLine = (goal, ratio, format = (r) => r.toFixed(2)) =>
  `${goal}: per round ${ratio ? ratio.ratios.map(format).join(' ') : 'none'}; median ${ratio ? format(ratio.median) : 'n/a'}`;

/** A measured target on one daemon started fresh each round; `env()` gives its environment. */
function singleNode(key, label, envOf) {
  return {
    key,
    label,
    start: async () => {
      const daemon = await startDaemon(() => {}, { env: await envOf() });
      return {
        target: { kind: 'http', url: `${daemon.url}${PATH}` },
        pid: daemon.pid,
        treeRoot: daemon.pid,
        t0: daemon.t0,
        stop: daemon.stop,
      };
    },
  };
}

async function storeSection(pg, settings) {
  console.log(
    `\n### (a) one node's gateway, PostgreSQL store vs SQLite (${settings.rounds} rounds; 1 session: ${settings.n} calls; ` +
      `${settings.sessions} sessions × ${settings.per} calls)`,
  );
  const summary = await measureAlternating(
    [
      singleNode('postgres', '1 node, PostgreSQL store', async () => ({ MCPCTL_STORE_URL: await pg.createDatabase() })),
      singleNode('sqlite', '1 node, SQLite store', () => ({})),
    ],
    settings,
  );
  const [onPg, onSqlite] = [summary.get('postgres'), summary.get('sqlite')];
  const p50 = pairedRatio(onPg, onSqlite, (r) => r.seq.p50);
  const cps = pairedRatio(onPg, onSqlite, (r) => r.conc.callsPerS);
  const within = (ratio) => ratio !== null && Math.abs(ratio.median - 1) <= NOISE;
  console.log(
    `goal PostgreSQL costs the gateway nothing (ratio within ±${NOISE * 100} %) : ` +
      `1-session p50 ${fmt(onPg.seqP50 ?? NaN, 0)} µs vs ${fmt(onSqlite.seqP50 ?? NaN, 0)} µs (${roundsLine('pg/sqlite', p50)}); ` +
      `${settings.sessions}-session calls/s ${fmt(onPg.concCps ?? NaN, 0)} vs ${fmt(onSqlite.concCps ?? NaN, 0)} (${roundsLine('pg/sqlite', cps)}) ` +
      `${within(p50) && within(cps) ? 'PASS' : 'MISS'}`,
  );
}

/** 3 nodes behind HAProxy (a fresh cluster each round) against 1 node alone, both on PostgreSQL. */
async function scaleSection(pg, settings) {
  console.log(
    `\n### (b) 3 nodes behind HAProxy (affinity on Mcp-Session-Id) vs 1 node alone, both on PostgreSQL ` +
      `(${settings.rounds} rounds; ${settings.sessions} sessions × ${settings.per} calls; server-everything on every node; ${availableParallelism()} cores; the table's "8s" columns are ${settings.sessions} sessions here)`,
  );
  const three = {
    key: 'three',
    label: '3 nodes behind HAProxy',
    start: async () => {
      const cluster = await startCluster(pg, 3, { balancer: 'affinity' });
      const [first] = cluster.nodes;
      return {
        target: { kind: 'http', url: `${cluster.lb.url}${PATH}` },
        // Memory and process counts: the first node's (each node is alike).
        pid: first.pid,
        treeRoot: first.pid,
        t0: cluster.t0,
        stop: cluster.stop,
      };
    },
  };
  const one = singleNode('one', '1 node alone', async () => ({ MCPCTL_STORE_URL: await pg.createDatabase() }));
  const summary = await measureAlternating([three, one], settings);
  const cps = pairedRatio(summary.get('three'), summary.get('one'), (r) => r.conc.callsPerS);
  console.log(
    `goal 3 nodes ≥ 2x the calls/s of 1 : ${fmt(summary.get('three').concCps ?? NaN, 0)} vs ${fmt(summary.get('one').concCps ?? NaN, 0)} calls/s ` +
      `(${roundsLine('3/1', cps, (r) => `${r.toFixed(2)}x`)}) ${cps !== null && cps.median >= 2 ? 'PASS' : 'MISS'}`,
  );
}

/**
 * Two nodes; sessions opened on n1. Local: every request to n1. Forwarded: every request after the
 * initialize to n2, which forwards it to n1 (the owner). Measured only where the built daemon forwards:
 * its `gateway.forwarded` count in `mcpctl metrics -o json` exists, and must grow by the forwarded run.
 */
async function forwardSection(pg, settings) {
  console.log(
    `\n### (c) a forwarded request vs a local one (2 nodes on PostgreSQL; ${settings.rounds} rounds; 1 session: ${settings.n} calls)`,
  );
  const cluster = await startCluster(pg, 2);
  try {
    const [owner, other] = cluster.nodes;
    const before = forwardedCount(other, cluster.envs[1]);
    if (before === null) {
      console.log(
        'goal forwarded p50 ≤ local + 0.3 ms : not measured: no forwarding (no gateway.forwarded in `mcpctl metrics -o json`)',
      );
      return;
    }
    // One cluster for every round: what differs is only where the requests land.
    const shared = (key, label, target) => ({
      key,
      label,
      start: async () => ({ target, pid: owner.pid, treeRoot: owner.pid, t0: null, stop: async () => {} }),
    });
    const summary = await measureAlternating(
      [
        shared('forwarded', 'opened on n1, sent to n2 (forwarded)', {
          kind: 'http',
          url: `${other.url}${PATH}`,
          openUrl: `${owner.url}${PATH}`,
        }),
        shared('local', 'opened on n1, sent to n1 (local)', { kind: 'http', url: `${owner.url}${PATH}` }),
      ],
      settings,
    );
    const moved = forwardedCount(other, cluster.envs[1]) - before;
    const [forwarded, local] = [summary.get('forwarded'), summary.get('local')];
    const deltaUs = (forwarded.seqP50 ?? NaN) - (local.seqP50 ?? NaN);
    const delta = pairedRatio(forwarded, local, (r) => r.seq.p50);
    const counted = moved >= forwarded.calls;
    console.log(
      `goal forwarded p50 ≤ local + 0.3 ms : ${fmt(forwarded.seqP50 ?? NaN, 0)} µs vs ${fmt(local.seqP50 ?? NaN, 0)} µs ` +
        `(${deltaUs >= 0 ? '+' : ''}${fmt(deltaUs, 0)} µs; ${roundsLine('paired ratio', delta)}; n2 counted ${moved} forwarded of ${forwarded.calls} calls) ` +
        `${counted && deltaUs <= 300 ? 'PASS' : counted ? 'MISS' : 'MISS (not all forwarded)'}`,
    );
  } finally {
    await cluster.stop();
  }
}

export async function benchCluster() {
  const missing = missingTools();
  if (missing) {
    console.log(`\n## Cluster: skipped, ${missing} not installed (.ci/run installs them)`);
    return;
  }
  const base = { ...gatewaySettings(), rounds: env('BENCH_CLUSTER_ROUNDS', 3) };
  // Enough sessions to load three nodes; fewer calls each, so a round stays short.
  const scale = {
    ...base,
    n: env('BENCH_CLUSTER_N', 500),
    sessions: env('BENCH_CLUSTER_SESSIONS', 24),
    per: env('BENCH_CLUSTER_PER', 200),
    loadWarmup: env('BENCH_CLUSTER_LOAD_WARMUP', 50),
  };
  console.log(
    `\n## Cluster (issue 13: rounds interleaved, ratios per round; echo of server-everything; real PostgreSQL and HAProxy)`,
  );
  const pg = startPostgres();
  try {
    // A part that cannot run says why; the others still run.
    for (const [part, section, settings] of [
      ['(a)', storeSection, base],
      ['(b)', scaleSection, scale],
      ['(c)', forwardSection, base],
    ]) {
      await section(pg, settings).catch((error) => console.log(`${part} failed: ${error.message.split('\n')[0]}`));
    }
  } finally {
    pg.stop();
  }
}
