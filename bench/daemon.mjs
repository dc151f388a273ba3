import { spawnSync } from 'node:child_process';
// Issue 2 figures: `mcpctl ls` latency with 20 servers, daemon RSS with 20 running
// server-everything instances, and the time from `server start` to `running`.
import { rmSync } from 'node:fs';
import { cli, EVERYTHING, fmt, makeHome, median, quantile, rssMb } from './lib.mjs';
import { onInterrupt } from './proc.mjs';

const SERVERS = 20;
const LS_RUNS = Number(process.env.BENCH_LS_RUNS ?? 30);
const START_RUNS = Number(process.env.BENCH_START_RUNS ?? 5);

function timeNodeStart() {
  const started = process.hrtime.bigint();
  spawnSync(process.execPath, ['-e', '0']);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function benchDaemon() {
  const home = makeHome();
  let cleaned = false;
  const cleanup = () => {
    // Once only: a `daemon stop` after the home is removed would create it again.
    if (cleaned) return;
    cleaned = true;
    cli(home, ['daemon', 'stop'], { allowFailure: true });
    rmSync(home, { recursive: true, force: true });
  };
  const unregister = onInterrupt(cleanup);
  try {
    cli(home, ['daemon', 'start']);
    for (let i = 0; i < SERVERS; i++) {
      cli(home, [
        'server',
        'add',
        `everything-${String(i).padStart(2, '0')}`,
        '--',
        process.execPath,
        EVERYTHING,
        'stdio',
      ]);
    }
    const servers = JSON.parse(cli(home, ['ls', '-o', 'json']).stdout);
    const running = servers.filter((server) => server.state === 'running').length;

    cli(home, ['ls']); // warm the page cache
    // Interleaved with a bare `node -e 0`, the floor no CLI can beat, so a slow machine shows as such.
    const lsTimes = [];
    const nodeTimes = [];
    for (let i = 0; i < LS_RUNS; i++) {
      lsTimes.push(cli(home, ['ls']).ms);
      nodeTimes.push(timeNodeStart());
    }

    const status = JSON.parse(cli(home, ['daemon', 'status', '-o', 'json']).stdout);
    const daemonRss = rssMb(status.pid);

    const startTimes = [];
    for (let i = 0; i < START_RUNS; i++) {
      cli(home, ['server', 'stop', 'everything-00']);
      const { ms, stdout } = cli(home, ['server', 'start', 'everything-00', '-o', 'json']);
      if (JSON.parse(stdout)[0]?.state !== 'running') throw new Error(`server start did not end running: ${stdout}`);
      startTimes.push(ms);
    }

    console.log(`\n## Daemon and CLI (${SERVERS} servers defined, ${running} running)`);
    console.log(
      `mcpctl ls wall time: median ${fmt(median(lsTimes))} ms, p90 ${fmt(quantile(lsTimes, 0.9))} ms over ${LS_RUNS} runs (goal < 150 ms); ` +
        `bare 'node -e 0' median ${fmt(median(nodeTimes))} ms, so ls = node start + ${fmt(median(lsTimes) - median(nodeTimes))} ms`,
    );
    console.log(
      `daemon RSS with ${running} running server-everything instances: ${fmt(daemonRss)} MB, children not counted (goal < 80 MB)`,
    );
    console.log(
      `server start → running (CLI wall time, includes spawn + MCP initialize): median ${fmt(median(startTimes))} ms over ${START_RUNS} runs`,
    );
    return { lsMedianMs: median(lsTimes), daemonRssMb: daemonRss, startMedianMs: median(startTimes) };
  } finally {
    unregister();
    cleanup();
  }
}
