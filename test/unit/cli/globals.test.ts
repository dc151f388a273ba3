import { describe, expect, it } from 'vitest';
import { resolveGlobals, scanErrorStyle } from '../../../src/cli/globals.js';

const DEFAULTS = { output: 'table', headers: true, color: true, startDaemon: true };

describe('resolveGlobals', () => {
  it('defaults to a table with headers, colour allowed and autostart on', () => {
    expect(resolveGlobals(DEFAULTS, {})).toEqual({ output: 'table', headers: true, color: true, autostart: true });
  });

  it('lets --json win over -o', () => {
    expect(resolveGlobals({ ...DEFAULTS, output: 'yaml', json: true }, {}).output).toBe('json');
  });

  it('refuses autostart with --no-start-daemon or MCPCTL_NO_AUTOSTART', () => {
    expect(resolveGlobals({ ...DEFAULTS, startDaemon: false }, {}).autostart).toBe(false);
    expect(resolveGlobals(DEFAULTS, { MCPCTL_NO_AUTOSTART: '1' }).autostart).toBe(false);
    expect(resolveGlobals(DEFAULTS, { MCPCTL_NO_AUTOSTART: '0' }).autostart).toBe(true);
  });
});

describe('scanErrorStyle', () => {
  it.each<[string[], boolean]>([
    [['ls'], false],
    [['--json', 'ls'], true],
    [['ls', '-o', 'json'], true],
    [['ls', '-ojson'], true],
    [['ls', '--output=json'], true],
    [['ls', '-o', 'yaml'], false],
    [['--json', 'ls', '-o', 'table'], true],
    [['server', 'add', 'x', '--', 'tool', '-o', 'json'], false],
  ])('%j → json %s', (argv, json) => {
    expect(scanErrorStyle(argv).json).toBe(json);
  });

  it('sees --no-color before --', () => {
    expect(scanErrorStyle(['ls', '--no-color']).color).toBe(false);
    expect(scanErrorStyle(['server', 'add', 'x', '--', 'tool', '--no-color']).color).toBe(true);
  });
});
