import { describe, expect, it } from 'vitest';
import { lineSeverity, parseSeverity, textSeverity } from '../../../../src/core/logs/severity.js';

describe('severity of a log line', () => {
  it('reads the level word at the head of a plain line, after a timestamp or a tag, else calls it info', () => {
    expect(textSeverity('ERROR could not connect')).toBe('error');
    expect(textSeverity('[warn] slow answer')).toBe('warning');
    expect(textSeverity('2026-01-01 12:00:00 DEBUG tick')).toBe('debug');
    expect(textSeverity('2026-01-01T00:00:02.000Z [fs] [error] spawn npx ENOENT')).toBe('error');
    expect(textSeverity('{"level":"fatal","msg":"gone"}')).toBe('critical');
    expect(textSeverity('ts=1 level=warning msg=x')).toBe('warning');
    expect(textSeverity('Errors found: 0')).toBe('info');
    expect(textSeverity('server listening on stdio')).toBe('info');
  });

  it('takes a captured message’s level from its stream and the daemon’s from its JSON', () => {
    expect(lineSeverity({ time: null, stream: 'mcp.alert', text: 'ERROR not this' })).toBe('alert');
    expect(lineSeverity({ time: null, stream: 'daemon', text: '{"level":"warn","msg":"x"}' })).toBe('warning');
    expect(lineSeverity({ time: null, stream: 'stderr', text: 'plain' })).toBe('info');
  });

  it('accepts the usual spellings of a level and refuses others', () => {
    expect(parseSeverity('--level', 'WARN')).toBe('warning');
    expect(parseSeverity('--level', 'err')).toBe('error');
    expect(() => parseSeverity('--level', 'loud')).toThrow("invalid --level 'loud'");
  });
});
