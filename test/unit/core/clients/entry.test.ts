// biome-ignore-all lint/suspicious/noTemplateCurlyInString: client configs hold ${VAR} references, kept verbatim
import { describe, expect, it } from 'vitest';
import { toClientEntry } from '../../../../src/core/clients/entry.js';

describe('toClientEntry: every alias into one model', () => {
  it('stdio with env and cwd, ${VAR} kept verbatim', () => {
    expect(
      toClientEntry('a', { command: 'npx', args: ['-y', 'x', '${HOME}'], env: { K: '${TOKEN}' }, cwd: '/w' }),
    ).toEqual({
      name: 'a',
      transport: 'stdio',
      command: 'npx',
      args: ['-y', 'x', '${HOME}'],
      env: { K: '${TOKEN}' },
      cwd: '/w',
    });
  });

  it("Zed's nested command {path, args, env}", () => {
    expect(toClientEntry('z', { command: { path: 'node', args: ['s.js'], env: { A: '1' } } })).toMatchObject({
      transport: 'stdio',
      command: 'node',
      args: ['s.js'],
      env: { A: '1' },
    });
  });

  it('url (http unless type says sse), serverUrl, httpUrl, headers and Codex http_headers', () => {
    expect(toClientEntry('u', { url: 'https://x/mcp', headers: { A: 'b' } })).toEqual({
      name: 'u',
      transport: 'http',
      url: 'https://x/mcp',
      headers: { A: 'b' },
    });
    expect(toClientEntry('t', { type: 'sse', url: 'https://x/sse' })).toMatchObject({ transport: 'sse' });
    expect(toClientEntry('w', { serverUrl: 'https://w/mcp' })).toMatchObject({
      transport: 'http',
      url: 'https://w/mcp',
    });
    expect(toClientEntry('g', { httpUrl: 'https://g/mcp' })).toMatchObject({ transport: 'http', url: 'https://g/mcp' });
    expect(toClientEntry('c', { url: 'https://c/mcp', http_headers: { X: 'y' } })).toMatchObject({
      headers: { X: 'y' },
    });
  });

  it('Gemini: a bare url is SSE, url with type http is Streamable HTTP', () => {
    expect(toClientEntry('g', { url: 'https://g/sse' }, { bareUrlIsSse: true })).toMatchObject({ transport: 'sse' });
    expect(toClientEntry('g', { url: 'https://g/mcp', type: 'http' }, { bareUrlIsSse: true })).toMatchObject({
      transport: 'http',
    });
  });

  it('an entry with neither command nor url is unknown, with why', () => {
    expect(toClientEntry('n', { timeout: 5 })).toEqual({
      name: 'n',
      transport: 'unknown',
      reason: 'neither a command nor a url',
    });
    expect(toClientEntry('n', 'x')).toMatchObject({ transport: 'unknown' });
  });

  it('disabled entries and fields mcpctl cannot carry are marked', () => {
    expect(toClientEntry('w', { command: 'x', disabled: true, envFile: '.env' })).toMatchObject({
      disabled: true,
      dropped: ['envFile'],
    });
    expect(toClientEntry('c', { url: 'https://c/mcp', enabled: false, bearer_token_env_var: 'T' })).toMatchObject({
      disabled: true,
      dropped: ['bearer_token_env_var'],
    });
  });
});
