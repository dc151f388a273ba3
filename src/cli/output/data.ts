import { loadYaml } from '../../shared/yaml.js';

/** Machine-readable output: exactly the API's objects, no decoration. */
export type DataFormat = 'json' | 'yaml';

export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** One JSON document per line, for streams (`logs -f -o json`) that scripts read line by line. */
export function renderJsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/** yaml is loaded only when asked for: most commands never need it. */
export async function renderYaml(value: unknown): Promise<string> {
  const yaml = await loadYaml();
  return yaml.stringify(value, { lineWidth: 0 });
}

export async function renderData(value: unknown, format: DataFormat): Promise<string> {
  return format === 'json' ? renderJson(value) : renderYaml(value);
}
