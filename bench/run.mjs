// `npm run bench`: prints the figures that the speed and memory goals are judged by.
// Run after `npm run build`.
import { existsSync } from 'node:fs';
import { benchDaemon } from './daemon.mjs';
import { CLI } from './lib.mjs';

if (!existsSync(CLI)) {
  console.error('dist/mcpctl.js is missing: run `npm run build` first');
  process.exit(1);
}
console.log(`# mcpctl bench (node ${process.version}, ${new Date().toISOString()})`);
await benchDaemon();
