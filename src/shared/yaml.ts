type YamlModule = typeof import('yaml');

let loading: Promise<YamlModule> | undefined;

/**
 * The `yaml` package, loaded on first use (most commands and most daemons never need it).
 * yaml ships CommonJS for Node. esbuild, splitting, puts it in a chunk whose only export is
 * `default` (module.exports) and does not wrap a dynamic import of that chunk, so the named
 * exports are missing from the bundle while present unbundled (vitest): take whichever is there.
 * Every lazy import of a CommonJS package must go through a helper like this one.
 */
export function loadYaml(): Promise<YamlModule> {
  loading ??= import('yaml').then((loaded: Partial<YamlModule> & { default?: YamlModule }) => {
    const yaml = typeof loaded.parse === 'function' ? (loaded as YamlModule) : loaded.default;
    if (typeof yaml?.parse !== 'function' || typeof yaml.stringify !== 'function') {
      throw new Error('the bundled yaml module has neither named nor default exports');
    }
    return yaml;
  });
  return loading;
}
