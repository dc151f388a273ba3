// Bundles the CLI/daemon into dist/ with esbuild. Heavy modules (SDK, SQLite,
// pino) are reached only through dynamic imports, so `splitting` keeps them out
// of the chunk that every short CLI command loads.

import { chmodSync, readFileSync, rmSync } from 'node:fs';
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
  external: ['better-sqlite3', '@napi-rs/keyring'],
  // jsonc-parser's `main` is a UMD build whose require() calls esbuild cannot follow: bundle its ESM build.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  define: { MCPCTL_VERSION: JSON.stringify(pkg.version) },
  banner: {
    js: "import { createRequire as __mcpctlCreateRequire } from 'node:module'; const require = __mcpctlCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
chmodSync('dist/mcpctl.js', 0o755);
