import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../helpers/cli.js';
import { runProcess } from '../../../helpers/run.js';

/** Strings only MiniSearch's and the Porter stemmer's code hold. */
const MINISEARCH = /MiniSearch: duplicate ID/;
const STEMMER = /\bational\b/;

const out = mkdtempSync(join(tmpdir(), 'mcpctl-search-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/**
 * The aggregator imports metaTools.ts and toolSearch.ts statically; the search library must still
 * load only when an index is built (a profile in search mode), in a chunk of its own. Bundled here
 * as scripts/build.mjs bundles the daemon (esbuild, ESM, splitting), then run.
 */
describe('the search library in a bundle', () => {
  it('sits in chunks of its own, loaded by import() when the first index is built', async () => {
    const result = await build({
      stdin: {
        contents: [
          "import { runSearchTools, searchModeToolList } from './src/protocol/aggregate/metaTools.ts';",
          "import { createToolSearchIndex } from './src/protocol/aggregate/toolSearch.ts';",
          "const tools = [{ name: 'filesystem__read_text_file', description: 'Read a file', inputSchema: { type: 'object' } }];",
          'console.log(searchModeToolList(tools, []).length);',
          'if (process.argv[2] === "search") {',
          '  const index = await createToolSearchIndex(tools);',
          "  console.log(runSearchTools(index, { query: 'reading files' }).content[0].text);",
          '}',
        ].join('\n'),
        resolveDir: ROOT,
        sourcefile: 'entry.ts',
        loader: 'ts',
      },
      outdir: out,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      metafile: true,
      absWorkingDir: ROOT,
      logLevel: 'silent',
    });
    const entry = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint !== undefined);
    expect(entry).toBeDefined();
    const [entryFile, entryOutput] = entry as [string, (typeof result.metafile.outputs)[string]];
    const staticChunks = [
      entryFile,
      ...entryOutput.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path),
    ];
    for (const file of staticChunks) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text, `${file} holds MiniSearch`).not.toMatch(MINISEARCH);
      expect(text, `${file} holds the stemmer`).not.toMatch(STEMMER);
    }
    const lazyChunks = entryOutput.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path);
    const lazyText = lazyChunks.map((file) => readFileSync(join(ROOT, file), 'utf8')).join('\n');
    expect(lazyText).toMatch(MINISEARCH);
    expect(lazyText).toMatch(STEMMER);

    const script = join(ROOT, entryFile);
    const listed = await runProcess(process.execPath, [script], { timeoutMs: 20_000 });
    expect(listed.stdout.trim()).toBe('2');
    const searched = await runProcess(process.execPath, [script, 'search'], { timeoutMs: 20_000 });
    expect(searched.stderr).toBe('');
    expect(JSON.parse(searched.stdout.trim().split('\n')[1] ?? '')).toMatchObject({
      query: 'reading files',
      tools: [{ name: 'filesystem__read_text_file' }],
    });
  }, 30_000);
});
