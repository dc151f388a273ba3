// `npm run schema`: writes schema/mcpctl.schema.json, the JSON Schema of the `apply -f` file, from
// the zod schemas in src/ (bundled on the fly with esbuild: the sources are TypeScript), formatted
// by biome. The test
// test/unit/core/config/declarativeSchema.test.ts fails when the committed file drifts from them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'mcpctl-schema-'));
try {
  const bundle = join(scratch, 'schema.mjs');
  await build({
    entryPoints: [join(root, 'src/core/config/declarativeSchema.ts')],
    outfile: bundle,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
  });
  const { declarativeJsonSchemaText, JSON_SCHEMA_FILE } = await import(pathToFileURL(bundle).href);
  const target = join(root, JSON_SCHEMA_FILE);
  mkdirSync(resolve(target, '..'), { recursive: true });
  writeFileSync(target, declarativeJsonSchemaText());
  // In the repository's own format, so that `npm run lint` passes on the file as written.
  const biome = spawnSync(join(root, 'node_modules/.bin/biome'), ['format', '--write', target], { stdio: 'inherit' });
  if (biome.status !== 0) throw new Error(`biome format failed on ${JSON_SCHEMA_FILE}`);
  process.stdout.write(`wrote ${JSON_SCHEMA_FILE}\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
