// Top frames of a V8 .cpuprofile (as `BENCH_CPU_PROF_DIR=<dir> npm run bench -- --only gateway` writes
// for the daemon): self time by function, and inclusive time of mcpctl's own functions.
//   node bench/cpuTop.mjs <file.cpuprofile> [count]
import { readFileSync } from 'node:fs';

const [file, countArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/cpuTop.mjs <file.cpuprofile> [count]');
  process.exit(2);
}
const count = Number(countArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// timeDeltas[i] is the time since the previous sample, charged to sample i (as DevTools does, roughly).
const selfUs = new Map();
for (const [i, id] of profile.samples.entries()) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const frameName = ({ callFrame: f }) => {
  const where = f.url
    ? `${f.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|dist)\//, '$1/')}:${f.lineNumber + 1}`
    : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};

const self = new Map();
const inclusive = new Map();
for (const [id, us] of selfUs) {
  const name = frameName(byId.get(id));
  self.set(name, (self.get(name) ?? 0) + us);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const frame = frameName(byId.get(at));
    if (seen.has(frame)) continue; // recursion counts once
    seen.add(frame);
    inclusive.set(frame, (inclusive.get(frame) ?? 0) + us);
  }
}
const print = (title, map, filter = () => true) => {
  console.log(`\n${title} (of ${(total / 1000).toFixed(0)} ms sampled)`);
  const rows = [...map].filter(([name]) => filter(name)).sort((a, b) => b[1] - a[1]);
  for (const [name, us] of rows.slice(0, count)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  }
};
print('self time', self);
print('inclusive time, mcpctl code', inclusive, (name) => name.includes('dist/'));
