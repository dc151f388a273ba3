import { describe, expect, it } from 'vitest';
import { createPalette, shouldColor } from '../../../../src/cli/output/colors.js';

describe('shouldColor', () => {
  it('colours a terminal by default', () => {
    expect(shouldColor({ flag: true, env: {}, isTTY: true })).toBe(true);
  });

  it('never colours a pipe unless FORCE_COLOR asks', () => {
    expect(shouldColor({ flag: true, env: {}, isTTY: false })).toBe(false);
    expect(shouldColor({ flag: true, env: { FORCE_COLOR: '1' }, isTTY: false })).toBe(true);
    expect(shouldColor({ flag: true, env: { FORCE_COLOR: '0' }, isTTY: false })).toBe(false);
  });

  it('honours --no-color, NO_COLOR and TERM=dumb over a terminal', () => {
    expect(shouldColor({ flag: false, env: {}, isTTY: true })).toBe(false);
    expect(shouldColor({ flag: true, env: { NO_COLOR: '1' }, isTTY: true })).toBe(false);
    expect(shouldColor({ flag: true, env: { NO_COLOR: '1', FORCE_COLOR: '1' }, isTTY: true })).toBe(false);
    expect(shouldColor({ flag: true, env: { TERM: 'dumb' }, isTTY: true })).toBe(false);
  });

  it('treats an empty NO_COLOR as unset (no-color.org)', () => {
    expect(shouldColor({ flag: true, env: { NO_COLOR: '' }, isTTY: true })).toBe(true);
  });
});

describe('createPalette', () => {
  it('is the identity when off and emits ANSI when on', () => {
    expect(createPalette(false).red('x')).toBe('x');
    expect(createPalette(true).red('x')).toBe('\u001b[31mx\u001b[39m');
  });
});
