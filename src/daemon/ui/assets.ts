import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/**
 * The dashboard's built files (`npm run build` writes them to dist/ui/), read once into
 * memory: they are small, and a daemon serving them from memory needs no file per request.
 */
export function loadAssets(dir: string | undefined = findAssetsDir()): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (dir === undefined) return assets;
  const walk = (folder: string, prefix: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else
        assets.set(`${prefix}${name}`, {
          body: readFileSync(path),
          type: TYPES[extname(name)] ?? 'application/octet-stream',
        });
    }
  };
  walk(dir, '');
  return assets;
}

/** dist/ui beside the bundle (dist/mcpctl.js or one of dist/chunks/), or the built one when run from src/. */
function findAssetsDir(): string | undefined {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(here, 'ui'), join(here, '..', 'ui'), join(here, '..', '..', '..', 'dist', 'ui')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}
