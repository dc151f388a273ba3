import { describe, expect, it } from 'vitest';
import { createPalette } from '../../../../src/cli/output/colors.js';
import { renderTable, visibleWidth } from '../../../../src/cli/output/table.js';

describe('renderTable', () => {
  const columns = ['NAME', 'STATE', 'PID'];
  const rows = [
    ['everything', 'running', '123'],
    ['a', 'stopped', '-'],
  ];

  it('aligns columns three spaces apart with no trailing spaces', () => {
    expect(renderTable(columns, rows, { headers: true })).toBe(
      ['NAME         STATE     PID', 'everything   running   123', 'a            stopped   -', ''].join('\n'),
    );
  });

  it('drops the header line with headers: false, and sizes columns on the rows alone', () => {
    expect(renderTable(columns, [['a', 'stopped', '-']], { headers: false })).toBe('a   stopped   -\n');
  });

  it('aligns on visible width when cells carry colour codes', () => {
    const palette = createPalette(true);
    const coloured = [
      ['x', palette.green('running'), '1'],
      ['y', 'stopped', '2'],
    ];
    const lines = renderTable(['N', 'STATE', 'PID'], coloured, { headers: false }).split('\n');
    expect(lines[0]).toContain('\u001b[32m');
    expect(lines.map(visibleWidth)).toEqual([15, 15, 0]);
  });

  it('indents nested tables and renders nothing for no rows without headers', () => {
    expect(renderTable(['A'], [['x']], { headers: true, indent: '  ' })).toBe('  A\n  x\n');
    expect(renderTable(['A'], [], { headers: false })).toBe('');
  });
});
