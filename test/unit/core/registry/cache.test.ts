import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryCache } from '../../../../src/core/registry/cache.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the registry answer cache', () => {
  it('keeps one private file per registry and URL, and ignores an unreadable one', () => {
    dir = mkdtempSync(join(tmpdir(), 'mcpctl-cache-'));
    const cache = new RegistryCache(join(dir, 'registry'));
    const url = 'https://registry.example.com/v0/servers?search=fs';
    const answer = { url, etag: '"abc"', fetchedAt: '2026-01-01T00:00:00.000Z', body: '{"servers":[]}' };
    cache.put('example', answer);
    expect(cache.get('example', url)).toEqual(answer);
    expect(cache.get('other', url)).toBeUndefined();
    expect(cache.get('example', `${url}&cursor=x`)).toBeUndefined();

    const [file] = readdirSync(join(dir, 'registry'));
    expect(file).toMatch(/^example-[0-9a-f]{32}\.json$/);
    const path = join(dir, 'registry', file as string);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    writeFileSync(path, '{"url": 1');
    expect(cache.get('example', url)).toBeUndefined();
  });

  it('a cache it cannot write loses the cache, not the answer', () => {
    dir = mkdtempSync(join(tmpdir(), 'mcpctl-cache-'));
    writeFileSync(join(dir, 'registry'), 'a file where the folder should be');
    const cache = new RegistryCache(join(dir, 'registry'));
    expect(() => cache.put('example', { url: 'u', fetchedAt: 't', body: '{}' })).not.toThrow();
    expect(cache.get('example', 'u')).toBeUndefined();
  });
});
