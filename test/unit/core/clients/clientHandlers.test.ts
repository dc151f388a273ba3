import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HandlerInput } from '../../../../src/core/api.js';
import { createClientHandlers } from '../../../../src/core/clients/clientHandlers.js';
import type { InstallLookups } from '../../../../src/core/clients/install.js';
import { McpctlError } from '../../../../src/shared/errors.js';
import { type CallContext, LOCAL_CALL } from '../../../../src/shared/principal.js';
import { serverView } from '../../cli/output/fixtures.js';

/**
 * The daemon's AI-client methods on real files under a temp HOME: the local owner previews and
 * writes exactly that diff; a token holder (remote listener, token login) is refused before any
 * file is read; a file changed since its preview is left alone.
 */
let home: string;
let file: string;
const ORIGINAL = '{\n  "mcpServers": {\n    "other": { "command": "npx", "args": ["x"] }\n  }\n}\n';

const lookups: InstallLookups = {
  listServers: async () => [serverView({ name: 'alpha' })],
  getProfile: async ({ name }) => {
    throw new McpctlError('NOT_FOUND', `no profile '${name}'`);
  },
  serverUrl: async ({ name }) => ({ name, url: `http://127.0.0.1:7711/servers/${name}/mcp`, sseUrl: '' }),
  profileUrl: async ({ name }) => ({ name, url: `http://127.0.0.1:7711/profiles/${name}/mcp`, sseUrl: '' }),
  currentProfile: async () => ({ name: null }),
};

function handlers() {
  return createClientHandlers({
    clientEnv: { env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config') }, platform: 'linux', cwd: home },
    self: { node: '/usr/bin/node', script: '/opt/mcpctl/dist/mcpctl.js', env: {} },
    lookups: () => lookups,
  });
}

const install: HandlerInput<'installClient'> = {
  client: 'cursor',
  servers: ['alpha'],
  transport: 'stdio',
  replace: false,
};
const tokenHolder: CallContext = { principal: { kind: 'token', name: 'ann', role: 'admin' }, address: '10.0.0.2' };

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'mcpctl-clients-'));
  file = join(home, '.cursor', 'mcp.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, ORIGINAL);
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe("the daemon's AI-client methods", () => {
  it('preview, then write exactly what the preview showed; uninstall gives the file back', async () => {
    const api = handlers();
    const preview = await api.previewClientInstall(install, LOCAL_CALL);
    expect(preview).toMatchObject({ client: 'cursor', scope: 'user', file, changed: true, entries: ['alpha'] });
    expect(preview.diff).toContain('+    "alpha": {');
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
    const written = await api.installClient({ ...install, expectedSha256: preview.sha256 }, LOCAL_CALL);
    expect(written.changed).toBe(true);
    expect(written.backup).toMatch(/mcp\.json\.mcpctl-.*\.bak$/);
    const entry = JSON.parse(readFileSync(file, 'utf8')).mcpServers.alpha;
    expect(entry).toEqual({ command: '/usr/bin/node', args: ['/opt/mcpctl/dist/mcpctl.js', 'connect', 'alpha'] });
    const listed = await api.listClients({}, LOCAL_CALL);
    const cursor = listed.find((report) => report.client === 'cursor');
    expect(cursor?.files.map((f) => f.scope)).toEqual(['user']);
    expect(cursor?.files[0]?.entries.find((e) => e.name === 'alpha')?.mcpctl).toEqual({
      kind: 'server',
      name: 'alpha',
    });
    const undo = await api.previewClientUninstall({ client: 'cursor' }, LOCAL_CALL);
    expect(undo.removed).toEqual(['alpha']);
    await api.uninstallClient({ client: 'cursor', expectedSha256: undo.sha256 }, LOCAL_CALL);
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });

  it('refuses a token holder, whatever its role, before reading anything', async () => {
    const api = handlers();
    for (const run of [
      () => api.listClients({}, tokenHolder),
      () => api.previewClientInstall(install, tokenHolder),
      () => api.installClient(install, tokenHolder),
      () => api.previewClientUninstall({ client: 'cursor' }, tokenHolder),
      () => api.uninstallClient({ client: 'cursor' }, tokenHolder),
    ]) {
      await expect(run()).rejects.toMatchObject({ code: 'PERMISSION_DENIED', message: /daemon's machine/ });
    }
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });

  it('writes nothing when the file changed since the preview', async () => {
    const api = handlers();
    const preview = await api.previewClientInstall(install, LOCAL_CALL);
    const edited = ORIGINAL.replace('"x"', '"y"');
    writeFileSync(file, edited);
    await expect(api.installClient({ ...install, expectedSha256: preview.sha256 }, LOCAL_CALL)).rejects.toMatchObject({
      message: /changed since its preview/,
    });
    expect(readFileSync(file, 'utf8')).toBe(edited);
  });
});
