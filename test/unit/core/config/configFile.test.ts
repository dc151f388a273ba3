import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  readConfigDocument,
  setConfigValue,
  unsetConfigValue,
  writeConfigDocument,
} from '../../../../src/core/config/configFile.js';
import { McpctlError } from '../../../../src/shared/errors.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function edit(
  text: string | undefined,
  change: (config: Awaited<ReturnType<typeof readConfigDocument>>) => Promise<unknown>,
) {
  dir = mkdtempSync(join(tmpdir(), 'mcpctl-configfile-'));
  const file = join(dir, 'config.yaml');
  if (text !== undefined) writeFileSync(file, text);
  const config = await readConfigDocument(file);
  await change(config);
  writeConfigDocument(config);
  return readFileSync(file, 'utf8');
}

const FILE = `# settings, by hand
logs:
  level:   debug     # spaced as I like
  keep: 3

gateway:   # the gateway
    port: 7711    # four spaces here
# trailing note
`;

describe('config.yaml edits', () => {
  it('changes only the value it sets, spacing and comments around it kept', async () => {
    const text = await edit(FILE, (config) => setConfigValue(config, ['gateway', 'port'], 0));
    expect(text).toBe(FILE.replace('port: 7711', 'port: 0'));
  });

  it('adds a key to its section with the indentation found there, and a new section at the end', async () => {
    const text = await edit(FILE, async (config) => {
      await setConfigValue(config, ['gateway', 'idleTimeout'], '5m');
      await setConfigValue(config, ['cli', 'output'], 'json');
    });
    expect(text).toBe(
      `${FILE.replace('# four spaces here\n', '# four spaces here\n    idleTimeout: 5m\n')}cli:\n  output: json\n`,
    );
  });

  it('quotes a string that YAML would read as another type', async () => {
    const text = await edit('', (config) => setConfigValue(config, ['logs', 'level'], 'true'));
    expect(text).toBe('logs:\n  level: "true"\n');
  });

  it('unset removes the line, and the section when it was the last entry; set then unset is byte-identical', async () => {
    const removed = await edit(FILE, (config) => unsetConfigValue(config, ['logs', 'keep']));
    expect(removed).toBe(FILE.replace('  keep: 3\n', ''));
    const roundTrip = await edit(FILE, async (config) => {
      await setConfigValue(config, ['servers', 'maxLineBytes'], 65536);
      writeConfigDocument(config);
      const again = await readConfigDocument(config.file);
      await unsetConfigValue(again, ['servers', 'maxLineBytes']);
      config.text = again.text;
    });
    expect(roundTrip).toBe(FILE);
    const section = await edit(FILE, (config) => unsetConfigValue(config, ['gateway', 'port']));
    expect(section).toBe(FILE.replace('gateway:   # the gateway\n    port: 7711    # four spaces here\n', ''));
  });

  it('a flow-style section is edited as a document (comments kept)', async () => {
    const text = await edit('# top\ngateway: { port: 1 }\n', (config) =>
      setConfigValue(config, ['gateway', 'host'], '::1'),
    );
    expect(text).toContain('# top');
    expect(text).toMatch(/host: "?::1"?/);
  });

  it('refuses a malformed file with file:line:col', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcpctl-configfile-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'logs:\n  level: [debug\n');
    const error = await readConfigDocument(file).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(McpctlError);
    expect((error as McpctlError).message).toMatch(new RegExp(`^${file}:\\d+:\\d+: `));
  });
});
