import type { DefaultOutput as OutputFormat } from '../../core/config/cliSettings.js';
import type { Writer } from '../io.js';
import { createPalette, type Palette } from './colors.js';
import { renderData, renderJsonLine } from './data.js';

export type { DefaultOutput as OutputFormat } from '../../core/config/cliSettings.js';

/** Where a command's results and diagnostics go, in the format the user chose. */
export interface Printer {
  readonly format: OutputFormat;
  /** json or yaml: print API objects, never prose, on stdout. */
  readonly machine: boolean;
  readonly headers: boolean;
  /** Colours for stdout and for stderr (each on only if that stream is a colour terminal). */
  readonly color: Palette;
  readonly errColor: Palette;
  /** A result line (or block) on stdout; a newline is added when missing. */
  out(text: string): void;
  /** A diagnostic line on stderr. */
  note(text: string): void;
  /** The value as JSON or YAML on stdout (table formats fall back to JSON). */
  data(value: unknown): Promise<void>;
  /** One item of a stream: a JSON line, or a YAML document. */
  item(value: unknown): Promise<void>;
}

export interface PrinterOptions {
  format: OutputFormat;
  headers: boolean;
  stdout: Writer;
  stderr: Writer;
  color: { stdout: boolean; stderr: boolean };
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

export function createPrinter(options: PrinterOptions): Printer {
  const { format, stdout, stderr } = options;
  const dataFormat = format === 'yaml' ? 'yaml' : 'json';
  return {
    format,
    machine: format === 'json' || format === 'yaml',
    headers: options.headers,
    color: createPalette(options.color.stdout),
    errColor: createPalette(options.color.stderr),
    out: (text) => stdout.write(withNewline(text)),
    note: (text) => stderr.write(withNewline(text)),
    data: async (value) => stdout.write(await renderData(value, dataFormat)),
    item: async (value) => {
      stdout.write(dataFormat === 'json' ? renderJsonLine(value) : `---\n${await renderData(value, 'yaml')}`);
    },
  };
}
