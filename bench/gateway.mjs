// Issue figures for the gateway: every target measured side by side in one run with the SDK's own
// client, rounds interleaved (a round runs each target once, each from a clean state), medians reported.
import { join } from 'node:path';
import { EVERYTHING, ROOT } from './lib.mjs';
import { runClient } from './proc.mjs';
import { printGoals, printTable, summarize } from './report.mjs';
import { everythingHttp, floorHttp, mcpHub, mcpProxy, supergateway } from './targets/httpServers.mjs';
import { connect, gateway, profile } from './targets/mcpctl.mjs';
import { directStdio } from './targets/stdio.mjs';

const MEASURE = join(ROOT, 'bench/client/measure.mjs');
// The floor and the gateway run back to back in each round: their ratios are taken round by round.
// The profile runs right after the gateway too: its ratios to the gateway are taken round by round.
const TARGETS = [directStdio, floorHttp, gateway, profile, connect, everythingHttp, supergateway, mcpProxy, mcpHub];

const env = (name, fallback) => Number(process.env[name] ?? fallback);
export const gatewaySettings = () => ({
  // Seven: a round on this 2-core machine swings a ratio by ±20 %, and the verdict is their median.
  rounds: env('BENCH_GW_ROUNDS', 7),
  // The counts of the side-by-side gateway comparison these goals come from (200 warm-up + 2,000
  // sequential; 8 × 400), after an unmeasured run of 8 sessions × 250 calls (every target alike: each
  // is launched fresh, but a gateway serves warm), and a short warm-up of the concurrent phase's sessions.
  n: env('BENCH_GW_N', 2000),
  warmup: env('BENCH_GW_WARMUP', 200),
  sessions: env('BENCH_GW_SESSIONS', 8),
  per: env('BENCH_GW_PER', 400),
  loadWarmup: env('BENCH_GW_LOAD_WARMUP', 250),
  concWarmup: env('BENCH_GW_CONC_WARMUP', 50),
  // e.g. BENCH_GW_TARGETS=floor,gateway (keys: direct floor gateway profile connect everything-http supergateway mcp-proxy mcp-hub)
  only: process.env.BENCH_GW_TARGETS?.split(',').filter(Boolean) ?? null,
  timeoutMs: env('BENCH_GW_TIMEOUT_MS', 180_000),
});

export async function measureOnce(target, settings) {
  const started = await target.start();
  try {
    const spec = {
      target: started.target,
      n: settings.n,
      warmup: settings.warmup,
      sessions: settings.sessions,
      per: settings.per,
      loadWarmup: settings.loadWarmup,
      concWarmup: settings.concWarmup,
      pid: started.pid,
      treeRoot: started.treeRoot,
      script: EVERYTHING,
      t0: started.t0,
      readyTimeoutMs: 20_000,
    };
    const { result, stderr } = await runClient(
      MEASURE,
      spec,
      settings.timeoutMs,
      'measuring client',
      started.clientEnv,
    );
    if (result.fatal || !result.seq) throw new Error(`${result.fatal ?? 'no figures'}${stderr ? `\n${stderr}` : ''}`);
    if (stderr) result.stderr = stderr;
    return result;
  } finally {
    await started.stop();
  }
}

/**
 * Two targets (or a few) measured in interleaved rounds, the order alternating so neither always
 * runs on the warmer machine; prints their table and returns the summaries by key.
 */
export async function measureAlternating(targets, settings) {
  const runs = new Map(targets.map((target) => [target.key, []]));
  for (let round = 1; round <= settings.rounds; round++) {
    const order = round % 2 === 1 ? targets : [...targets].reverse();
    for (const target of order) {
      try {
        runs.get(target.key).push({ ...(await measureOnce(target, settings)), round });
      } catch (error) {
        console.log(`  ${target.label} round ${round} failed: ${error.message.split('\n')[0]}`);
      }
    }
    console.log(`round ${round} done`);
  }
  const summary = new Map(targets.map((target) => [target.key, summarize(target, runs.get(target.key))]));
  printTable(summary);
  return summary;
}

export async function benchGateway() {
  const settings = gatewaySettings();
  const targets = TARGETS.filter((target) => !settings.only || settings.only.includes(target.key));
  console.log(
    `\n## Gateway and peers (${settings.rounds} rounds interleaved; warm-up ${settings.sessions} sessions × ${settings.loadWarmup} calls; ` +
      `1 session: ${settings.warmup} warm-up + ${settings.n} calls; ` +
      `${settings.sessions} sessions × (${settings.concWarmup} warm-up + ${settings.per}) calls; echo tool of server-everything)`,
  );
  const runs = new Map(targets.map((target) => [target.key, []]));
  const failures = new Map();
  for (let round = 1; round <= settings.rounds; round++) {
    const line = [];
    for (const target of targets) {
      const t = Date.now();
      try {
        const result = await measureOnce(target, settings);
        runs.get(target.key).push({ ...result, round });
        for (const warning of [result.stderr, ...(result.errors ?? [])].filter(Boolean)) {
          console.log(`  ${target.label}: ${warning.split('\n').slice(0, 3).join(' | ')}`);
        }
        line.push(`${target.key} ${((Date.now() - t) / 1000).toFixed(1)}s`);
      } catch (error) {
        failures.set(target.key, error.message);
        line.push(`${target.key} FAILED`);
        console.log(`  ${target.label} round ${round} failed: ${error.message.split('\n').slice(0, 4).join(' | ')}`);
      }
    }
    console.log(`round ${round}: ${line.join(', ')}`);
  }
  const summary = new Map(targets.map((target) => [target.key, summarize(target, runs.get(target.key))]));
  printTable(summary);
  printGoals(summary, failures);
  return summary;
}
