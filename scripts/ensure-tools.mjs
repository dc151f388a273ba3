// Installs the conformance runner (the official suite + the Node 22 it needs) into its
// own folder on first use, so its `node` binary never shadows the project's Node on PATH.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const dir = 'tools/conformance';
if (!existsSync(`${dir}/node_modules/@modelcontextprotocol/conformance/package.json`)) {
  process.stderr.write('installing the conformance suite into tools/conformance (once)\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: ['ignore', 'inherit', 'inherit'] });
}
