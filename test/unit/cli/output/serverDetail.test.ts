import { describe, expect, it } from 'vitest';
import { createPalette } from '../../../../src/cli/output/colors.js';
import { renderDaemonStatus } from '../../../../src/cli/output/daemonStatus.js';
import { renderServerDetail } from '../../../../src/cli/output/serverDetail.js';
import { daemonStatus, serverDetail } from './fixtures.js';

/** A secret reference as users write it, kept literally (never expanded by the CLI). */
const SECRET_REF = '$' + '{secret:tok}';

const plain = createPalette(false);

describe('renderServerDetail', () => {
  it('prints a describe block for a stdio server, then its events', () => {
    const text = renderServerDetail(
      serverDetail({
        cwd: '/srv/app',
        env: { ROOT: '/srv', TOKEN: SECRET_REF },
        labels: { team: 'a' },
        args: ['-y', 'server with space'],
        events: [
          { id: 1, time: '2025-01-31T12:00:00.000Z', server: 'everything', type: 'added', message: 'everything added' },
          {
            id: 2,
            time: '2025-01-31T12:00:01.000Z',
            server: 'everything',
            type: 'started',
            message: 'running (pid 4242)',
          },
        ],
      }),
      plain,
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('Name:        everything');
    expect(text).toContain('\nState:       running\n');
    expect(text).toContain("\nCommand:     npx -y 'server with space'\n");
    expect(text).toContain('\nCwd:         /srv/app\n');
    expect(text).toContain(`\nEnv:         ROOT=/srv\n             TOKEN=${SECRET_REF}\n`);
    expect(text).toContain('\nLabels:      team=a\n');
    expect(text).toContain('\nPolicy:      restart on-failure, at most 5 restarts in 2m0s\n');
    expect(text).toContain('\nLog file:    /home/u/.local/state/mcpctl/logs/everything.log\n');
    expect(text).not.toContain('URL:');
    expect(text).toContain(
      [
        'Events:',
        '  TIME                       TYPE      MESSAGE',
        '  2025-01-31T12:00:00.000Z   added     everything added',
        '  2025-01-31T12:00:01.000Z   started   running (pid 4242)',
        '',
      ].join('\n'),
    );
  });

  it('shows URL and headers for an http server, and <none> for empty lists', () => {
    const text = renderServerDetail(
      serverDetail({ transport: 'http', command: null, args: [], url: 'https://example.com/mcp', pid: null }),
      plain,
    );
    expect(text).toContain('\nURL:         https://example.com/mcp\n');
    expect(text).toContain('\nHeaders:     <none>\n');
    expect(text).toContain('\nPID:         -\n');
    expect(text).not.toContain('Command:');
    expect(text.endsWith('Events:  <none>\n')).toBe(true);
  });

  it('says what the user asked for when the state disagrees', () => {
    const text = renderServerDetail(serverDetail({ state: 'stopped', desired: 'running', pid: null }), plain);
    expect(text).toContain('\nState:       stopped (desired: running)\n');
  });
});

describe('renderDaemonStatus', () => {
  /** Started this second, no servers, the gateway not listening. */
  const IDLE_NO_GATEWAY = { uptimeSeconds: 0, servers: { total: 0, byState: {} }, gateway: null };

  it('prints pid, version, uptime, paths and server counts by state', () => {
    const text = renderDaemonStatus(daemonStatus(), plain);
    expect(text).toContain('Daemon:    running (pid 77)\n');
    expect(text).toContain('Uptime:    1m30s\n');
    expect(text).toContain('Socket:    /run/mcpctl.sock\n');
    expect(text).toContain('Gateway:   http://127.0.0.1:7711\n');
    expect(text).toContain('Store:     sqlite /h/mcpctl.db\n');
    expect(text).toContain('Servers:   3 (failed 1, running 2)\n');
  });

  it('says when the gateway is not listening', () => {
    const text = renderDaemonStatus(daemonStatus(IDLE_NO_GATEWAY), plain);
    expect(text).toContain('Gateway:   not listening\n');
    // Seconds, as the server tables say it: not "0ms".
    expect(text).toContain('Uptime:    0s\n');
  });

  it('prints a daemon started this second as up 0s, never 0ms', () => {
    const text = renderDaemonStatus(daemonStatus(IDLE_NO_GATEWAY), plain);
    expect(text).toContain('Uptime:    0s\n');
  });
});
