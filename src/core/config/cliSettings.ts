import { readFileSync } from 'node:fs';
import type { Paths } from '../../shared/paths.js';
import { loadYaml } from '../../shared/yaml.js';

/** What -o takes and `cli.output` may say. */
export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;
export type DefaultOutput = (typeof OUTPUT_FORMATS)[number];

function isOutput(value: unknown): value is DefaultOutput {
  return typeof value === 'string' && (OUTPUT_FORMATS as readonly string[]).includes(value);
}

/**
 * The output format when no -o is given: MCPCTL_OUTPUT, else config.yaml's `cli.output`. Every
 * command asks, so the YAML parser loads only for a file that has a `cli:` section; a bad value is
 * reported through `warn` and ignored (a typo must not stop `mcpctl config unset cli.output`).
 */
export async function defaultOutputSetting(
  paths: Paths,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
): Promise<DefaultOutput | undefined> {
  const fromEnv = env.MCPCTL_OUTPUT;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (isOutput(fromEnv)) return fromEnv;
    warn(`mcpctl: ignoring MCPCTL_OUTPUT='${fromEnv}' (expected ${OUTPUT_FORMATS.join(', ')})`);
  }
  let text: string;
  try {
    text = readFileSync(paths.configFile, 'utf8');
  } catch {
    return undefined; // no config file (or none readable): the default
  }
  if (!/^cli\s*:/m.test(text)) return undefined;
  let value: unknown;
  try {
    const parsed: unknown = (await loadYaml()).parse(text);
    value = (parsed as { cli?: { output?: unknown } } | null)?.cli?.output;
  } catch {
    return undefined; // the daemon and `mcpctl config` report a broken file with its line and column
  }
  if (value === undefined || isOutput(value)) return value;
  warn(`mcpctl: ignoring cli.output '${String(value)}' in ${paths.configFile} (expected ${OUTPUT_FORMATS.join(', ')})`);
  return undefined;
}
