// Bundles the CLI/daemon into dist/ with esbuild. Heavy modules (SDK, SQLite,
// pino) are reached only through dynamic imports, so `splitting` keeps them out
// of the chunk that every short CLI command loads.

import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { mcpctl: 'src/bin/mcpctl.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Native addon and its loader stay in node_modules.
  // pg-native: pg's optional libpq binding, required only if asked for (never here).
  external: ['better-sqlite3', '@napi-rs/keyring', 'pg-native'],
  // jsonc-parser's `main` is a UMD build whose require() calls esbuild cannot follow: bundle its ESM build.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  define: { MCPCTL_VERSION: JSON.stringify(pkg.version) },
  banner: {
    js: "import { createRequire as __mcpctlCreateRequire } from 'node:module'; const require = __mcpctlCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync('dist/mcpctl.js', 0o755);

// The dashboard: a second, browser build into dist/ui/ (hashed names, cached for a year by the
// daemon; index.html names them and is never cached). No CDN: everything it needs is in here.
const ui = await build({
  entryPoints: { app: 'src/ui/main.tsx' },
  outdir: 'dist/ui/assets',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  entryNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.keys(ui.metafile.outputs).map((path) => basename(path));
const js = outputs.find((name) => name.endsWith('.js'));
const css = outputs.find((name) => name.endsWith('.css'));
mkdirSync('dist/ui', { recursive: true });
writeFileSync(
  'dist/ui/index.html',
  readFileSync('src/ui/index.html', 'utf8').replace('%JS%', js).replace('%CSS%', css),
);
const gzipped = outputs.reduce((sum, name) => sum + gzipSync(readFileSync(`dist/ui/assets/${name}`)).length, 0);
console.log(`dashboard: dist/ui/ ${(gzipped / 1024).toFixed(1)} KB gzipped (${outputs.join(', ')})`);
