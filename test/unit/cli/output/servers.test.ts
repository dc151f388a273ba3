import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createPalette } from '../../../../src/cli/output/colors.js';
import {
  describeLastExit,
  formatLastExit,
  formatServerState,
  renderServerTable,
} from '../../../../src/cli/output/servers.js';
import { serverView } from './fixtures.js';

const plain = createPalette(false);

describe('renderServerTable', () => {
  const views = [
    serverView({
      name: 'zeta',
      state: 'failed',
      pid: null,
      uptimeSeconds: null,
      restarts: 5,
      lastExitCode: 1,
      nodes: [],
    }),
    serverView(),
    serverView({
      name: 'docs',
      transport: 'http',
      state: 'backoff',
      pid: null,
      uptimeSeconds: null,
      command: null,
      args: [],
      url: 'https://example.com/mcp',
      lastExitSignal: 'SIGKILL',
      labels: { team: 'a', env: 'dev' },
      nodes: [],
    }),
  ];

  it('prints the documented columns, one row per server sorted by name', () => {
    expect(renderServerTable(views, { wide: false, headers: true, palette: plain })).toBe(
      [
        'NAME         TRANSPORT   STATE     PID    UPTIME   RESTARTS   LAST-EXIT   NODE',
        'docs         http        backoff   -      -        0          SIGKILL     -',
        'everything   stdio       running   4242   1h2m     0          -           node-a',
        'zeta         stdio       failed    -      -        5          1           -',
        '',
      ].join('\n'),
    );
  });

  it('adds COMMAND/URL (argv shell-quoted for reading), LABELS and PROCESSES in wide mode', () => {
    const lines = renderServerTable(views, { wide: true, headers: true, palette: plain }).split('\n');
    expect(lines[0]).toMatch(/LAST-EXIT\s+NODE\s+COMMAND\/URL\s+LABELS\s+PROCESSES$/);
    expect(lines[1]).toMatch(/https:\/\/example\.com\/mcp\s+team=a,env=dev\s+-$/);
    expect(lines[2]).toMatch(/npx -y @modelcontextprotocol\/server-everything\s+-\s+-$/);
  });

  it("shows an isolated server's processes: pid and session id prefix, or warm", () => {
    const isolated = serverView({
      pid: null,
      processes: [
        { pid: 11, sessionId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90' },
        { pid: 12, sessionId: null },
      ],
    });
    const [, row] = renderServerTable([isolated], { wide: true, headers: true, palette: plain }).split('\n');
    expect(row).toMatch(/ 11:a1b2c3d4e5f6,12:warm$/);
  });

  it('shows every node a server runs on in a cluster', () => {
    const [, row] = renderServerTable([serverView({ replicas: 'all', nodes: ['node-a', 'node-b'] })], {
      wide: false,
      headers: true,
      palette: plain,
    }).split('\n');
    expect(row).toMatch(/ node-a,node-b$/);
  });

  it('omits the header with headers: false', () => {
    const text = renderServerTable([serverView()], { wide: false, headers: false, palette: plain });
    expect(text).toBe('everything   stdio   running   4242   1h2m   0   -   node-a\n');
  });

  it('colours states by meaning and keeps the columns aligned', () => {
    const palette = createPalette(true);
    const text = renderServerTable(views, { wide: false, headers: true, palette });
    expect(text).toContain(palette.green('running'));
    expect(text).toContain(palette.yellow('backoff'));
    expect(text).toContain(palette.red('failed'));
    const uncoloured = renderServerTable(views, { wide: false, headers: true, palette: plain });
    expect(stripVTControlCharacters(text)).toBe(uncoloured);
  });
});

describe('describeLastExit', () => {
  it('says how the server last ended, as a phrase', () => {
    expect(describeLastExit({ lastExitCode: null, lastExitSignal: 'SIGKILL' })).toBe('killed by SIGKILL');
    expect(describeLastExit({ lastExitCode: 1, lastExitSignal: null })).toBe('exited with code 1');
    expect(describeLastExit({ lastExitCode: null, lastExitSignal: null })).toBe('-');
  });
});

describe('formatLastExit and formatServerState', () => {
  it('prefers the signal, then the code, else a dash', () => {
    expect(formatLastExit({ lastExitCode: null, lastExitSignal: 'SIGTERM' })).toBe('SIGTERM');
    expect(formatLastExit({ lastExitCode: 0, lastExitSignal: null })).toBe('0');
    expect(formatLastExit({ lastExitCode: null, lastExitSignal: null })).toBe('-');
  });

  it('says what start/stop/restart left behind', () => {
    expect(formatServerState(serverView({ pid: 123 }), plain)).toBe('everything: running (pid 123)');
    expect(formatServerState(serverView({ state: 'stopped', pid: null }), plain)).toBe('everything: stopped');
  });
});
