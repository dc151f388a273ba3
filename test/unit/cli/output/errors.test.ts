import { describe, expect, it } from 'vitest';
import { createPalette } from '../../../../src/cli/output/colors.js';
import { renderError } from '../../../../src/cli/output/errors.js';
import { McpctlError } from '../../../../src/shared/errors.js';

const error = new McpctlError('DAEMON_UNREACHABLE', 'the mcpctl daemon is not running', {
  hint: "start it with 'mcpctl daemon start'",
});

describe('renderError', () => {
  it('prints Error and Hint lines as text', () => {
    expect(renderError(error, { json: false, palette: createPalette(false) })).toBe(
      "Error: the mcpctl daemon is not running\nHint: start it with 'mcpctl daemon start'\n",
    );
  });

  it('omits the Hint line when there is no hint', () => {
    const bare = new McpctlError('INTERNAL', 'boom');
    expect(renderError(bare, { json: false, palette: createPalette(false) })).toBe('Error: boom\n');
  });

  it('colours Error in red on a colour terminal', () => {
    const text = renderError(error, { json: false, palette: createPalette(true) });
    expect(text).toContain('\u001b[31mError:');
  });

  it('prints one JSON line with kind, code, message and hint for -o json', () => {
    const text = renderError(error, { json: true, palette: createPalette(true) });
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(text)).toEqual({
      error: {
        kind: 'network',
        code: 'DAEMON_UNREACHABLE',
        message: 'the mcpctl daemon is not running',
        hint: "start it with 'mcpctl daemon start'",
      },
    });
  });

  it('adds the stack and causes in debug mode only', () => {
    const wrapped = new McpctlError('INTERNAL', 'outer', { cause: new Error('inner') });
    const palette = createPalette(false);
    expect(renderError(wrapped, { json: false, palette })).not.toContain('Caused by');
    expect(renderError(wrapped, { json: false, palette, debug: true })).toMatch(/Caused by: Error: inner/);
  });
});
