import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { type E2eHome, e2eHome } from '../helpers/e2e.js';

/** The README's example config.yaml, read from the README itself so the doc and this test cannot drift. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const match = /Daemon settings \(`config\.yaml`[^\n]*\n```yaml\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error("no yaml block after 'Daemon settings (`config.yaml`' in README.md");
  return match[1];
}

let h: E2eHome | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

function homeWithConfig(text: string): E2eHome {
  h = e2eHome();
  writeFileSync(join(h.home, 'config.yaml'), text);
  return h;
}

describe('config.yaml in the built binary', () => {
  it.each([
    ["the README's example", readmeExample()],
    ['an empty file', ''],
    ['a comment-only file', '# nothing set yet\n\n# logs:\n#   level: debug\n'],
  ])('starts the daemon with %s', async (_what, text) => {
    const home = homeWithConfig(text);
    const result = await home.run(['ls']);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    expect((await home.run(['daemon', 'status'])).code).toBe(0);
  });

  it('applies what the file sets (logs.level: warn keeps the info lines out of daemon.log)', async () => {
    const infoLines = async (text: string): Promise<number> => {
      const home = homeWithConfig(text);
      expect((await home.run(['daemon', 'start'])).code).toBe(0);
      expect((await home.run(['daemon', 'stop'])).code).toBe(0);
      const log = join(home.home, 'logs', 'daemon.log');
      const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
      await home.dispose();
      h = undefined;
      return lines.filter((line) => (JSON.parse(line) as { level: unknown }).level === 'info').length;
    };
    expect(await infoLines(readmeExample())).toBeGreaterThan(0);
    expect(await infoLines(readmeExample().replace(/level: info/, 'level: warn'))).toBe(0);
  });

  it('F7: refuses bad YAML with exit 3, file:line:col and a hint', async () => {
    const home = homeWithConfig('logs:\n  keep: 2\n  level: [info\n');
    const file = join(home.home, 'config.yaml');
    const result = await home.run(['daemon', 'run'], { timeoutMs: 15_000 });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`^Error: ${file}:\\d+:\\d+: \\S`, 'm'));
    expect(result.stderr).toMatch(/^Hint: fix the YAML at that line and column/m);
  });

  it('F7: refuses a value of the wrong type with exit 3 and the key path', async () => {
    const home = homeWithConfig('logs:\n  keep: five\n');
    const result = await home.run(['daemon', 'run'], { timeoutMs: 15_000 });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/logs\.keep: .*expected number/);
    expect(result.stderr).toMatch(/^Hint: /m);
  });
});
