import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import type { RegistryMatch } from '../../src/core/registry/search.js';
import { type FixtureRegistry, startFixtureRegistry } from '../fixtures/registry/registry.js';
import { captureContext } from '../unit/cli/testContext.js';

/**
 * `registry add|ls|rm` and `search`, run in-process against the fixture registry on loopback (real
 * HTTP, real server.json documents, one entry a page so cursors are followed). No daemon.
 */
let registry: FixtureRegistry;
let home: string;

beforeAll(async () => {
  registry = await startFixtureRegistry({ pageSize: 1 });
});
afterAll(async () => {
  await registry.close();
});
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'mcpctl-registry-'));
  registry.mode = 'ok';
  registry.requests.length = 0;
  return () => rmSync(home, { recursive: true, force: true });
});

async function mcpctl(...argv: string[]) {
  const run = captureContext({ env: { MCPCTL_HOME: home, MCPCTL_REGISTRY_TIMEOUT: '500ms' } });
  const code = await runCli(argv, run.ctx);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

async function useFixture(name = 'fixture'): Promise<void> {
  expect((await mcpctl('registry', 'rm', 'official')).code).toBe(0);
  expect((await mcpctl('registry', 'add', name, '--url', `${registry.url}/`)).code).toBe(0);
}

describe('registry add, ls, rm', () => {
  it('starts with the official registry; adds, lists in order, refuses a clash, removes', async () => {
    const initial = await mcpctl('registry', 'ls');
    expect(initial.stdout).toBe('NAME       URL\nofficial   https://registry.modelcontextprotocol.io\n');

    const added = await mcpctl('registry', 'add', 'fixture', '--url', `${registry.url}/`);
    expect(added).toMatchObject({ code: 0, stdout: `added registry fixture (${registry.url})\n` });
    expect((await mcpctl('registry', 'add', 'fixture', '--url', registry.url)).stdout).toContain('already exists');
    const clash = await mcpctl('registry', 'add', 'fixture', '--url', 'https://elsewhere.example.com');
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain(`registry 'fixture' already exists with URL ${registry.url}`);

    const listed = JSON.parse((await mcpctl('registry', 'ls', '-o', 'json')).stdout) as unknown;
    expect(listed).toEqual([
      { name: 'official', url: 'https://registry.modelcontextprotocol.io' },
      { name: 'fixture', url: registry.url },
    ]);
    expect(statSync(join(home, 'registries.json')).mode & 0o777).toBe(0o600);

    expect((await mcpctl('registry', 'rm', 'official')).stdout).toBe(
      'removed registry official (https://registry.modelcontextprotocol.io)\n',
    );
    expect((await mcpctl('registry', 'ls')).stdout).not.toContain('official');
    const unknown = await mcpctl('registry', 'rm', 'official');
    expect(unknown.code).toBe(8);
    expect(unknown.stderr).toContain('known registries: fixture');
  });

  it('refuses a bad name or URL with exit 2', async () => {
    expect((await mcpctl('registry', 'add', 'Bad Name', '--url', registry.url)).code).toBe(2);
    const withPath = await mcpctl('registry', 'add', 'x', '--url', 'https://registry.example.com/v0');
    expect(withPath.code).toBe(2);
    expect(withPath.stderr).toContain('without /v0');
    const badUrl = await mcpctl('registry', 'add', 'x', '--url', 'ftp://example.com');
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('http:// or https://');
  });
});

describe('search', () => {
  it('ranks the filesystem server first, following the cursor over several pages', async () => {
    await useFixture();
    const result = await mcpctl('search', 'filesystem');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+VERSION\s+TRANSPORT\s+PACKAGE\s+DESCRIPTION$/);
    // The registry lists the watcher first; relevance over name, title and description puts filesystem first.
    expect(lines[1]).toMatch(/^io\.modelcontextprotocol\/filesystem\s+2026\.8\.31\s+stdio\s+npm\s+Secure filesystem/);
    expect(lines[2]).toMatch(/^com\.example\/filesystem-watch\s+0\.3\.0/);
    expect(lines).toHaveLength(3); // the 2025 version is not the latest: listed once
    const pages = registry.requests.filter((request) => request.path === '/v0/servers');
    expect(pages.map((request) => request.query)).toEqual([
      { search: 'filesystem', limit: '100', version: 'latest' },
      { search: 'filesystem', limit: '100', version: 'latest', cursor: expect.any(String) },
    ]);
  });

  it('several words are asked one by one and ranked together; a full name is asked as it is', async () => {
    await useFixture();
    const words = JSON.parse(
      (await mcpctl('search', 'read', 'files', 'knowledge', '-o', 'json')).stdout,
    ) as RegistryMatch[];
    // The registry's search is a substring of names: "knowledge" (memory's title) finds nothing there.
    expect(words.map((match) => match.name)).toEqual([
      'io.modelcontextprotocol/filesystem',
      'com.example/filesystem-watch',
    ]);
    expect(registry.requests.map((request) => request.query.search)).toEqual(
      expect.arrayContaining(['read', 'files', 'knowledge']),
    );

    registry.requests.length = 0;
    const full = JSON.parse(
      (await mcpctl('search', 'io.modelcontextprotocol/memory', '-o', 'json')).stdout,
    ) as RegistryMatch[];
    expect(full.map((match) => match.name)).toEqual(['io.modelcontextprotocol/memory']);
    expect(registry.requests.map((request) => request.query.search)).toEqual(['io.modelcontextprotocol/memory']);
  });

  it('-o json: version, transports, package types and the whole entry; --limit', async () => {
    await useFixture();
    const matches = JSON.parse((await mcpctl('search', 'notes', '-o', 'json')).stdout) as RegistryMatch[];
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({
      registry: 'fixture',
      name: 'com.example/notes',
      version: '2.0.0',
      transports: ['streamable-http', 'sse'],
      packageTypes: ['remote'],
      server: { remotes: expect.any(Array) },
    });
    const words = JSON.parse((await mcpctl('search', 'io', '--limit', '2', '-o', 'json')).stdout) as RegistryMatch[];
    expect(words).toHaveLength(2);
  });

  it('revalidates with If-None-Match (304 reuses the cache), falls back on it when the registry is down', async () => {
    await useFixture();
    const first = await mcpctl('search', 'memory');
    expect(first.code).toBe(0);
    expect(registry.requests.map((request) => [request.ifNoneMatch, request.status])).toEqual([[undefined, 200]]);

    registry.requests.length = 0;
    const second = await mcpctl('search', 'memory');
    expect(second.stdout).toBe(first.stdout);
    expect(registry.requests).toHaveLength(1);
    expect(registry.requests[0]?.ifNoneMatch).toMatch(/^".+"$/);
    expect(registry.requests[0]?.status).toBe(304);

    for (const mode of ['error500', 'timeout'] as const) {
      registry.mode = mode;
      const offline = await mcpctl('search', 'memory');
      expect(offline.code).toBe(0);
      expect(offline.stdout).toBe(first.stdout);
      expect(offline.stderr).toMatch(
        /registry 'fixture' (answered 500 Internal Server Error|did not answer within 500ms): using its answer cached at/,
      );
    }

    registry.requests.length = 0;
    const refreshed = await mcpctl('search', 'memory', '--refresh');
    expect(refreshed.code).toBe(6); // --refresh refuses the cache
    expect(registry.requests[0]?.ifNoneMatch).toBeUndefined();
  });

  it('a registry that times out, answers 500 or sends a bad document: exit 6 / 6 / 3 naming it', async () => {
    await useFixture('flaky');
    registry.mode = 'timeout';
    const timeout = await mcpctl('search', 'weather');
    expect(timeout.code).toBe(6);
    expect(timeout.stderr).toContain("Error: registry 'flaky' did not answer within 500ms");

    registry.mode = 'error500';
    const error = await mcpctl('search', 'weather');
    expect(error.code).toBe(6);
    expect(error.stderr).toContain("Error: registry 'flaky' answered 500 Internal Server Error");

    registry.mode = 'bad-document';
    const bad = await mcpctl('search', 'weather', '-o', 'json');
    expect(bad.code).toBe(3);
    const { error: payload } = JSON.parse(bad.stderr) as { error: { code: string; message: string } };
    expect(payload.code).toBe('CONFIG_INVALID');
    expect(payload.message).toMatch(/^registry 'flaky' sent a bad document .*servers\.0\.server\.name/);
  });

  it('asks the preset official registry at its public address, with the same paths and parameters', async () => {
    // No network here: the request fails, and its error names the URL it was sent to.
    const result = await mcpctl('search', 'filesystem');
    expect(result.code).toBe(6);
    expect(result.stderr).toContain("Error: registry 'official' ");
    expect(result.stderr).toContain(
      '(https://registry.modelcontextprotocol.io/v0/servers?search=filesystem&limit=100&version=latest)',
    );
  });

  it('an unreachable registry: exit 6 naming it; an unknown --registry: exit 8', async () => {
    await mcpctl('registry', 'rm', 'official');
    await mcpctl('registry', 'add', 'gone', '--url', 'http://127.0.0.1:9');
    const gone = await mcpctl('search', 'weather');
    expect(gone.code).toBe(6);
    expect(gone.stderr).toContain("Error: registry 'gone' is unreachable");
    expect((await mcpctl('search', 'weather', '--registry', 'nope')).code).toBe(8);
  });
});

describe('server add --from: input checks made before the daemon is asked', () => {
  it('refuses a value outside the choices, a secret header as a literal, an --arg the entry lacks', async () => {
    await useFixture();
    const choice = await mcpctl('server', 'add', 'w', '--from', 'weather', '--arg', 'units=kelvin');
    expect(choice.code).toBe(2);
    expect(choice.stderr).toContain("Error: --arg units: 'kelvin' is not one of metric, imperial");

    const header = await mcpctl('server', 'add', 'n', '--from', 'notes', '--header', 'Authorization: Bearer abc');
    expect(header.code).toBe(2);
    expect(header.stderr).toContain('--header Authorization: this header of com.example/notes holds a secret');
    expect(header.stderr).toContain('token=... mcpctl server add NAME --from ... --arg token');

    const unknown = await mcpctl('server', 'add', 'w', '--from', 'weather', '--arg', 'colour=red');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--arg colour: io.github.example/weather has no such input');
    expect(unknown.stderr).toContain('its --arg inputs: units');
  });

  it('a secret argument: taken from the environment ($API_KEY for --arg api-key), masked in the command shown', async () => {
    await useFixture();
    const literal = await mcpctl('server', 'add', 'web', '--from', 'web-search', '--arg', 'api-key=k-123');
    expect(literal.code).toBe(2);
    expect(literal.stderr).toContain(
      "Hint: pass it from mcpctl's environment: API_KEY=... mcpctl server add NAME --from ... --arg api-key",
    );

    const run = captureContext({ env: { MCPCTL_HOME: home, API_KEY: 'k-123' } });
    await runCli(['server', 'add', 'web', '--from', 'web-search', '--arg', 'api-key', '--no-autostart'], run.ctx);
    // No daemon can start in this context: what matters is the command shown before it is asked,
    // with the secret the value is stored as in place of the value.
    expect(run.stderr()).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a secret reference, as mcpctl prints it.
      "io.github.example/web-search@1.0.0 from registry 'fixture': npx -y @example/web-search-mcp@1.0.0 --api-key '${secret:web_api-key}'",
    );
    expect(run.stderr()).not.toContain('k-123');
  });

  it('refuses a short name several servers share, and an unknown one, naming them', async () => {
    await useFixture();
    const missing = await mcpctl('server', 'add', 'x', '--from', 'nothing-like-it');
    expect(missing.code).toBe(8);
    expect(missing.stderr).toContain("no server 'nothing-like-it' in fixture");
    const version = await mcpctl('server', 'add', 'x', '--from', 'filesystem@9.9.9');
    expect(version.code).toBe(8);
    expect(version.stderr).toContain("registry 'fixture' has no version 9.9.9 of io.modelcontextprotocol/filesystem");
    const bad = await mcpctl('server', 'add', 'x', '--from', 'a b');
    expect(bad.code).toBe(2);
  });
});
