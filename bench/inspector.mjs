// Issue 9 figures: the CLI as an MCP inspector. Wall time of `mcpctl tools everything` and
// `mcpctl call everything echo message=hi` against the official inspector CLI (v2, `--cli`) doing
// the same (tools/list, tools/call) against the same gateway URL of one daemon: paired runs, the
// order alternating each round, with a bare `node -e 0` as the floor neither can beat.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CLI, cliEnv, fmt, median, ROOT } from './lib.mjs';
import { isInterrupted } from './proc.mjs';
import { SERVER, startDaemon } from './targets/mcpctl.mjs';

const INSPECTOR = join(ROOT, 'node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js');
const RUNS = Number(process.env.BENCH_INSPECTOR_RUNS ?? 15);

/** One run's wall time in ms; fails loudly when the command fails or prints what it should not. */
function timed(label, args, env, expect) {
  if (isInterrupted()) throw new Error('interrupted');
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 60_000 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 || !expect.test(result.stdout)) {
    throw new Error(`${label} exited ${result.status}: ${result.stdout.slice(0, 300)} ${result.stderr.slice(0, 300)}`);
  }
  return ms;
}

export async function benchInspector() {
  console.log(
    `\n## Inspector (one daemon, one server-everything; ${RUNS} paired runs of each command, order alternating; ` +
      'the official inspector v2 CLI against the same gateway URL)',
  );
  const daemon = await startDaemon();
  try {
    const url = `${daemon.url}/servers/${SERVER}/mcp`;
    const env = cliEnv(daemon.home);
    const pairs = [
      {
        name: 'tools',
        mcpctl: ['mcpctl tools', [CLI, 'tools', SERVER], /^echo\s/m],
        inspector: [
          'inspector tools/list',
          [INSPECTOR, '--cli', url, '--transport', 'http', '--method', 'tools/list'],
          /"echo"/,
        ],
      },
      {
        name: 'call',
        mcpctl: ['mcpctl call', [CLI, 'call', SERVER, 'echo', 'message=hi'], /^Echo: hi$/m],
        inspector: [
          'inspector tools/call',
          [
            INSPECTOR,
            '--cli',
            url,
            '--transport',
            'http',
            '--method',
            'tools/call',
            '--tool-name',
            'echo',
            '--tool-arg',
            'message=hi',
          ],
          /Echo: hi/,
        ],
      },
    ];
    const floor = [];
    const results = [];
    for (const pair of pairs) {
      // One untimed run each: the page cache, and the server's first answer.
      timed(...pair.mcpctl.slice(0, 2), env, pair.mcpctl[2]);
      timed(...pair.inspector.slice(0, 2), env, pair.inspector[2]);
      const ours = [];
      const theirs = [];
      for (let round = 0; round < RUNS; round++) {
        const order = round % 2 === 0 ? ['mcpctl', 'inspector'] : ['inspector', 'mcpctl'];
        for (const who of order) {
          const [label, args, expect] = pair[who];
          (who === 'mcpctl' ? ours : theirs).push(timed(label, args, env, expect));
        }
        if (pair.name === 'tools') floor.push(timed('node -e 0', ['-e', 'process.stdout.write("ok")'], env, /ok/));
      }
      results.push({ name: pair.name, mcpctl: median(ours), inspector: median(theirs) });
    }
    console.log(`bare 'node -e 0' median ${fmt(median(floor))} ms (the floor of any Node CLI here)`);
    for (const { name, mcpctl, inspector } of results) {
      const ratio = inspector / mcpctl;
      const what =
        name === 'tools'
          ? 'mcpctl tools everything vs inspector --method tools/list'
          : 'mcpctl call everything echo message=hi vs inspector --method tools/call';
      console.log(
        `${what}: median ${fmt(mcpctl)} ms vs ${fmt(inspector)} ms, inspector/mcpctl ${fmt(ratio, 2)}x ` +
          `(goal: faster than the inspector) ${mcpctl < inspector ? 'PASS' : 'MISS'}`,
      );
    }
    return Object.fromEntries(results.map((r) => [r.name, r]));
  } finally {
    await daemon.stop();
  }
}
