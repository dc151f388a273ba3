import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';

/** The chunks a module of the bundle imports statically (`import ... from "./x.js"`), not through `import()`. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = text.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?"(\.{1,2}\/[^"]+\.js)";?$/gms);
  return [...found].map((match) => join(dirname(file), match[1] as string));
}

describe('the entry chunk of the built binary', () => {
  // Every command loads it: zod (~200 KB to compile) there made `mcpctl ls` 1.2x slower.
  it('reaches no zod, yaml, MCP SDK or search index code through static imports (they load on first use)', () => {
    const seen = new Set<string>();
    const queue = [CLI];
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      queue.push(...staticImports(file));
    }
    expect(seen.size).toBeGreaterThan(1);
    for (const file of seen) {
      const text = readFileSync(file, 'utf8');
      expect(text, `${file} holds zod`).not.toMatch(/\bZodError\b/);
      expect(text, `${file} holds yaml`).not.toMatch(/\bYAMLParseError\b/);
      expect(text, `${file} holds the MCP SDK`).not.toMatch(/\bLATEST_PROTOCOL_VERSION\b/);
      expect(text, `${file} holds MiniSearch (profiles' tool search)`).not.toMatch(/MiniSearch: duplicate ID/);
      expect(text, `${file} holds the registry client (search, server add --from)`).not.toMatch(/if-none-match/i);
      expect(text, `${file} holds prom-client (the daemon's metrics)`).not.toMatch(/\bcollectDefaultMetrics\b/);
      expect(text, `${file} holds log-update (mcpctl top)`).not.toMatch(/\?2026h/);
    }
  });
});
