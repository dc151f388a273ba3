/** Machine-readable output: exactly the API's objects, no decoration. */
export type DataFormat = 'json' | 'yaml';

export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** One JSON document per line, for streams (`logs -f -o json`) that scripts read line by line. */
export function renderJsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

type YamlModule = typeof import('yaml');

/**
 * yaml is loaded only when asked for: most commands never need it. Bundled, its CommonJS build
 * arrives as the default export, unbundled (tests) as named exports: take whichever is there.
 */
export async function renderYaml(value: unknown): Promise<string> {
  const loaded: Partial<YamlModule> & { default?: YamlModule } = await import('yaml');
  const yaml = loaded.stringify ? (loaded as YamlModule) : loaded.default;
  if (!yaml) throw new Error('the yaml module has no stringify export');
  return yaml.stringify(value, { lineWidth: 0 });
}

export async function renderData(value: unknown, format: DataFormat): Promise<string> {
  return format === 'json' ? renderJson(value) : renderYaml(value);
}
