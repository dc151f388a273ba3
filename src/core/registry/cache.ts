import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { writeFileAtomic } from '../../daemon/service/files.js';
import type { Paths } from '../../shared/paths.js';

/**
 * Registry answers on disk, one file per registry and request URL (query and cursor included), with
 * the ETag they came with: the next request revalidates (`If-None-Match`, a 304 reuses the body) and
 * a registry out of reach falls back on it. Files are 0600: a private registry's answers stay private.
 */
export interface CachedAnswer {
  url: string;
  etag?: string;
  /** ISO time of the answer (or of its last revalidation). */
  fetchedAt: string;
  body: string;
}

const cachedAnswerSchema = z.object({
  url: z.string(),
  etag: z.string().optional(),
  fetchedAt: z.string(),
  body: z.string(),
});

export class RegistryCache {
  constructor(private readonly dir: string) {}

  static forPaths(paths: Paths): RegistryCache {
    return new RegistryCache(join(paths.cacheDir, 'registry'));
  }

  private file(registry: string, url: string): string {
    const key = createHash('sha256').update(`${registry}\n${url}`).digest('hex').slice(0, 32);
    return join(this.dir, `${registry}-${key}.json`);
  }

  /** The cached answer, or undefined when there is none or it is unreadable (a cache is never an error). */
  get(registry: string, url: string): CachedAnswer | undefined {
    try {
      const parsed = cachedAnswerSchema.safeParse(JSON.parse(readFileSync(this.file(registry, url), 'utf8')));
      if (!parsed.success || parsed.data.url !== url) return undefined;
      const { etag, ...rest } = parsed.data;
      return etag === undefined ? rest : { ...rest, etag };
    } catch {
      return undefined;
    }
  }

  put(registry: string, answer: CachedAnswer): void {
    try {
      writeFileAtomic(this.file(registry, answer.url), JSON.stringify(answer), 0o600);
    } catch {
      // A full or read-only disk loses the cache, not the answer the user asked for.
    }
  }
}
