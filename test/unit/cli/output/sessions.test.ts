import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createPalette } from '../../../../src/cli/output/colors.js';
import {
  formatAge,
  formatClient,
  formatIdle,
  renderSessionDetail,
  renderSessionTable,
} from '../../../../src/cli/output/sessions.js';
import { sessionView } from './fixtures.js';

const plain = createPalette(false);
const NOW = Date.parse('2025-01-31T13:00:00.000Z');

describe('formatAge, formatIdle and formatClient', () => {
  it('prints how long ago, in seconds under a minute and compact above', () => {
    expect(formatAge('2025-01-31T12:59:58.400Z', NOW)).toBe('1s ago');
    expect(formatAge('2025-01-31T12:00:00.000Z', NOW)).toBe('1h0m ago');
    expect(formatAge('2025-01-29T12:00:00.000Z', NOW)).toBe('2d1h ago');
    // A clock a little ahead of ours never shows a negative age.
    expect(formatAge('2025-01-31T13:00:05.000Z', NOW)).toBe('0s ago');
  });

  it('prints how long an open session has been idle, and - while it has a stream or request open', () => {
    expect(formatIdle({ state: 'open', idleSince: '2025-01-31T12:58:00.000Z' }, NOW)).toBe('2m0s');
    expect(formatIdle({ state: 'open', idleSince: null }, NOW)).toBe('-');
    expect(formatIdle({ state: 'closed', idleSince: '2025-01-31T12:58:00.000Z' }, NOW)).toBe('-');
  });

  it('prints name/version, the name alone, or - before initialize', () => {
    expect(formatClient({ clientName: 'cursor', clientVersion: '1.2' })).toBe('cursor/1.2');
    expect(formatClient({ clientName: 'cursor', clientVersion: null })).toBe('cursor');
    expect(formatClient({ clientName: null, clientVersion: null })).toBe('-');
  });
});

describe('renderSessionTable', () => {
  const views = [
    sessionView(),
    sessionView({
      id: 'b7',
      server: 'memory',
      transport: 'sse',
      state: 'closed',
      clientName: null,
      clientVersion: null,
      protocolVersion: null,
      lastActivity: '2025-01-31T12:10:00.000Z',
      closedAt: '2025-01-31T12:40:00.000Z',
      closeReason: 'idle',
      requests: 3,
      errors: 2,
    }),
  ];

  it('prints full ids and the documented columns, in the order given', () => {
    expect(renderSessionTable(views, { wide: false, headers: true, withState: false, palette: plain, now: NOW })).toBe(
      [
        'ID                                 SERVER       TRANSPORT         CLIENT            STARTED    LAST-ACTIVITY   IDLE   REQUESTS   ERRORS',
        'f3a1c9d2e4b5a6c7d8e9f0a1b2c3d4e5   everything   streamable-http   claude-ai/0.1.0   1h0m ago   30s ago         30s    42         0',
        'b7                                 memory       sse               -                 1h0m ago   50m0s ago       -      3          2',
        '',
      ].join('\n'),
    );
  });

  it('adds STATE with --all, and PROTOCOL and REASON in wide mode', () => {
    const [header, , closed] = renderSessionTable(views, {
      wide: true,
      headers: true,
      withState: true,
      palette: plain,
      now: NOW,
    }).split('\n');
    expect(header?.split(/\s{3,}/)).toEqual([
      'ID',
      'SERVER',
      'TRANSPORT',
      'CLIENT',
      'STARTED',
      'LAST-ACTIVITY',
      'IDLE',
      'REQUESTS',
      'ERRORS',
      'STATE',
      'PROTOCOL',
      'REASON',
    ]);
    expect(closed?.split(/\s{3,}/).slice(-3)).toEqual(['closed', '-', 'idle']);
  });

  it('drops the header with --no-headers and keeps alignment with colour on', () => {
    const colored = renderSessionTable(views, {
      wide: false,
      headers: false,
      withState: true,
      palette: createPalette(true),
      now: NOW,
    });
    const uncolored = renderSessionTable(views, {
      wide: false,
      headers: false,
      withState: true,
      palette: plain,
      now: NOW,
    });
    expect(colored).not.toBe(uncolored);
    expect(stripVTControlCharacters(colored)).toBe(uncolored);
    expect(uncolored.split('\n')[0]).toMatch(/^f3a1c9d2e4b5a6c7d8e9f0a1b2c3d4e5 /);
  });
});

describe('renderSessionDetail', () => {
  it('prints an open session without close fields', () => {
    expect(renderSessionDetail(sessionView(), plain, NOW)).toBe(
      [
        'ID:             f3a1c9d2e4b5a6c7d8e9f0a1b2c3d4e5',
        'Server:         everything',
        'Transport:      streamable-http',
        'State:          open',
        'Client:         claude-ai/0.1.0',
        'Protocol:       2025-06-18',
        'Started:        2025-01-31T12:00:00.000Z (1h0m ago)',
        'Last activity:  2025-01-31T12:59:30.000Z (30s ago)',
        'Idle:           30s',
        'Requests:       42',
        'Errors:         0',
        '',
      ].join('\n'),
    );
  });

  it('adds when and why a closed session ended', () => {
    const text = renderSessionDetail(
      sessionView({
        state: 'closed',
        closedAt: '2025-01-31T12:59:50.000Z',
        closeReason: 'killed by mcpctl session kill',
      }),
      plain,
      NOW,
    );
    expect(text).toContain('State:          closed\n');
    expect(text).toContain('Closed:         2025-01-31T12:59:50.000Z (10s ago)\n');
    expect(text).toContain('Close reason:   killed by mcpctl session kill\n');
  });
});
