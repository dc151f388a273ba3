import { OUTPUT_FORMATS } from '../core/config/cliSettings.js';
import type { OutputFormat } from './output/printer.js';

/** The root program's options as commander parses them (`--no-x` flags default to true). */
export interface RootOptions {
  output: string;
  json?: true;
  headers: boolean;
  color: boolean;
  startDaemon: boolean;
  context?: string;
}

export interface Globals {
  output: OutputFormat;
  headers: boolean;
  color: boolean;
  /** May a command start the daemon when it is not running? */
  autostart: boolean;
  /** Set when -o or --json chose the format (not the `cli.output` setting or the default). */
  outputFromFlag?: true;
  /** `--context` or MCPCTL_CONTEXT; absent: the contexts file's current one (or local). */
  context?: string;
}

/** What the root's option values alone do not say: was -o given, and the configured default format. */
export interface OutputDefaults {
  outputGiven: boolean;
  /** MCPCTL_OUTPUT or config.yaml's `cli.output` (core/config/cliSettings.ts). */
  configured?: OutputFormat;
}

function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

function envFlag(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export function resolveGlobals(
  options: RootOptions,
  env: NodeJS.ProcessEnv,
  defaults: OutputDefaults = { outputGiven: false },
): Globals {
  const fromFlag = options.json === true || defaults.outputGiven;
  const chosen = isOutputFormat(options.output) ? options.output : 'table';
  const output = options.json ? 'json' : fromFlag ? chosen : (defaults.configured ?? chosen);
  return {
    output,
    headers: options.headers,
    color: options.color,
    autostart: options.startDaemon && !envFlag(env.MCPCTL_NO_AUTOSTART),
    ...(fromFlag ? { outputFromFlag: true as const } : {}),
    ...contextOf(options, env),
  };
}

/**
 * Reads `--json`, `-o json` and `--no-color` straight from argv, for errors raised while commander
 * is still parsing (an unknown flag must still come out as JSON for a script that asked for it).
 * Stops at `--`: what follows is a server's own argv.
 */
export function scanErrorStyle(argv: readonly string[]): { json: boolean; color: boolean } {
  let jsonFlag = false;
  let json = false;
  let color = true;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (arg === '--') break;
    if (arg === '--json') jsonFlag = true;
    else if (arg === '--no-color') color = false;
    else if (arg === '-o' || arg === '--output') json = argv[index + 1] === 'json';
    else if (arg.startsWith('--output=')) json = arg.slice('--output='.length) === 'json';
    else if (arg.startsWith('-o') && !arg.startsWith('--')) json = arg.slice(2).replace(/^=/, '') === 'json';
  }
  return { json: jsonFlag || json, color };
}

function contextOf(options: RootOptions, env: NodeJS.ProcessEnv): { context?: string } {
  const name = options.context ?? (env.MCPCTL_CONTEXT === '' ? undefined : env.MCPCTL_CONTEXT);
  return name === undefined ? {} : { context: name };
}
