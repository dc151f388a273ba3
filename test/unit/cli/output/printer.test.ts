import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderJson, renderYaml } from '../../../../src/cli/output/data.js';
import { createPrinter, type OutputFormat } from '../../../../src/cli/output/printer.js';
import { serverView } from './fixtures.js';

function capture(format: OutputFormat) {
  let out = '';
  let err = '';
  const printer = createPrinter({
    format,
    headers: true,
    stdout: {
      write: (text) => {
        out += text;
      },
    },
    stderr: {
      write: (text) => {
        err += text;
      },
    },
    color: { stdout: false, stderr: false },
  });
  return { printer, out: () => out, err: () => err };
}

describe('machine-readable output', () => {
  const views = [serverView(), serverView({ name: 'b', labels: { a: '1' } })];

  it('prints JSON that parses back to exactly the API objects', () => {
    const text = renderJson(views);
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(views);
  });

  it('prints YAML that parses back to exactly the API objects', async () => {
    expect(parse(await renderYaml(views))).toEqual(views);
  });

  it('prints an empty list as []', () => {
    expect(renderJson([])).toBe('[]\n');
  });
});

describe('createPrinter', () => {
  it('sends data to stdout in the chosen format, notes to stderr', async () => {
    const json = capture('json');
    expect(json.printer.machine).toBe(true);
    await json.printer.data({ a: 1 });
    json.printer.note('started the daemon');
    expect(JSON.parse(json.out())).toEqual({ a: 1 });
    expect(json.err()).toBe('started the daemon\n');

    const yaml = capture('yaml');
    await yaml.printer.data({ a: 1 });
    expect(yaml.out()).toBe('a: 1\n');
  });

  it('prints stream items as JSON lines, or YAML documents', async () => {
    const json = capture('json');
    await json.printer.item({ text: 'one' });
    await json.printer.item({ text: 'two' });
    expect(json.out()).toBe('{"text":"one"}\n{"text":"two"}\n');

    const yaml = capture('yaml');
    await yaml.printer.item({ text: 'one' });
    expect(yaml.out()).toBe('---\ntext: one\n');
  });

  it('treats table and wide as human formats and adds missing newlines', () => {
    const wide = capture('wide');
    expect(wide.printer.machine).toBe(false);
    wide.printer.out('line');
    wide.printer.out('block\n');
    expect(wide.out()).toBe('line\nblock\n');
  });
});
