import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');
const LAYERS = ['bin', 'cli', 'ui', 'core', 'daemon', 'store', 'protocol', 'shared'] as const;
type Layer = (typeof LAYERS)[number];

/**
 * Who may import whom (DESIGN.md): bin → cli → core → daemon | store → protocol → shared; the
 * dashboard (ui, bundled for the browser) takes the ControlApi's schemas and types from core.
 */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  bin: ['cli', 'core', 'shared'],
  ui: ['core', 'shared'],
  cli: ['core', 'protocol', 'shared'],
  core: ['daemon', 'store', 'protocol', 'shared'],
  daemon: ['protocol', 'shared'],
  store: ['shared'],
  protocol: ['shared'],
  shared: [],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts') || entry.name.endsWith('.tsx')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Static and dynamic import specifiers, including type-only ones. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map(
    (match) => match[1] as string,
  );
  return found;
}

function layerOf(file: string): Layer {
  return relative(SRC, file).split('/')[0] as Layer;
}

describe('layering', () => {
  const files = sourceFiles(SRC);

  it('keeps imports one way between layers', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith('.')) continue;
        const target = layerOf(join(file, '..', specifier));
        if (target !== from && !ALLOWED[from].includes(target)) {
          violations.push(`${relative(SRC, file)} imports ${specifier} (${from} → ${target})`);
        }
      }
    }
    expect(violations, 'move the code to the lower layer, or pass it in from core/host.ts').toEqual([]);
  });

  it('never lets cli/ reach node:child_process or node:net (the CLI talks to the daemon only through ControlApi)', () => {
    const offenders = files
      .filter((file) => layerOf(file) === 'cli')
      .filter((file) => importsOf(file).some((specifier) => /^(node:)?(child_process|net)$/.test(specifier)))
      .map((file) => relative(SRC, file));
    expect(offenders).toEqual([]);
  });
});
