import type { Paths } from '../../shared/paths.js';

/**
 * Where the configured store lives, for what runs without a daemon (`backup create` with none
 * running, `backup restore`). A PostgreSQL backend adds `{ backend: 'postgres'; url: string }`,
 * read from the same setting the daemon reads.
 */
export type StoreLocation = { backend: 'sqlite'; path: string };

export function storeLocation(paths: Paths): StoreLocation {
  return { backend: 'sqlite', path: paths.database };
}
