// Installs the test tools kept in their own folders on first use: the conformance runner (the
// official suite + the Node 22 it needs, so its `node` binary never shadows the project's Node on
// PATH) and the real AI clients test/e2e/realClients.test.ts runs (Claude Code, Gemini CLI).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const tools = [
  {
    dir: 'tools/conformance',
    marker: 'node_modules/@modelcontextprotocol/conformance/package.json',
    what: 'the conformance suite',
  },
  { dir: 'tools/clients', marker: 'node_modules/@google/gemini-cli/package.json', what: 'Claude Code and Gemini CLI' },
];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
for (const { dir, marker, what } of tools) {
  if (existsSync(`${dir}/${marker}`)) continue;
  process.stderr.write(`installing ${what} into ${dir} (once)\n`);
  execFileSync(npm, ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: ['ignore', 'inherit', 'inherit'] });
}
