import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

/** One entry of a `roots/list` answer. */
export interface Root {
  uri: string;
  name: string;
}

/**
 * Who answers an upstream's `roots/list`. `client`: the upstream serves one session (isolated
 * mode), whose own client answers, as if it ran the server itself. `server`: the upstream is
 * shared, so the daemon answers from the server's configured roots and no client's roots ever
 * reach it (one client's roots must not widen what another can read).
 */
export type RootsSource = { from: 'client' } | { from: 'server'; roots: readonly Root[] };

/** Absolute directories as `file://` roots, named after their last segment. */
export function rootsOf(directories: readonly string[]): Root[] {
  return directories.map((directory) => ({
    uri: pathToFileURL(directory).href,
    name: basename(directory) || directory,
  }));
}
