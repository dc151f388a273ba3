import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseTarget, type InputNeed, inputsOf, launchOf } from '../../../../src/core/registry/entrySpec.js';
import { type RegistryServer, registryServerSchema } from '../../../../src/core/registry/serverJson.js';

const SERVERS = join(import.meta.dirname, '../../../fixtures/registry/servers');

/** A fixture's server.json, through the schema the client validates with. */
function entry(file: string): RegistryServer {
  return registryServerSchema.parse(JSON.parse(readFileSync(join(SERVERS, file), 'utf8')));
}

function given(values: Record<string, string[]>) {
  return (need: InputNeed) => values[`${need.flag} ${need.key}`];
}

describe('a registry entry as a server definition', () => {
  it('npm: npx -y pkg@version, a repeated positional argument', () => {
    const target = chooseTarget(entry('filesystem.json'), false);
    expect(inputsOf(target)).toEqual([
      expect.objectContaining({ flag: '--arg', key: 'allowed_directory', required: true, repeated: true }),
    ]);
    expect(launchOf(target, given({ '--arg allowed_directory': ['/a', '/b'] }))).toEqual({
      transport: 'stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem@2026.8.31', '/a', '/b'],
      env: {},
    });
  });

  it('npm: a fixed positional argument is passed as it is', () => {
    const launch = launchOf(chooseTarget(entry('everything.json'), false), given({}));
    expect(launch).toMatchObject({ args: ['-y', '@modelcontextprotocol/server-everything@2026.8.31', 'stdio'] });
  });

  it('PyPI: uvx pkg==version, a named argument and an environment variable from their defaults', () => {
    const launch = launchOf(chooseTarget(entry('weather-pypi.json'), false), given({}));
    expect(launch).toEqual({
      transport: 'stdio',
      command: 'uvx',
      args: ['mcp-weather-example==1.4.2', '--units', 'metric'],
      env: { WEATHER_CACHE_DIR: '/tmp/weather' },
    });
    const imperial = launchOf(chooseTarget(entry('weather-pypi.json'), false), given({ '--arg units': ['imperial'] }));
    expect(imperial).toMatchObject({ args: ['mcp-weather-example==1.4.2', '--units', 'imperial'] });
  });

  it("OCI: docker run -i --rm, runtime arguments before the image, environment (also the user's extra) passed by name only", () => {
    const target = chooseTarget(entry('postgres-oci.json'), false);
    expect(inputsOf(target).find((need) => need.key === 'PGPASSWORD')).toMatchObject({
      flag: '--env',
      required: true,
      secret: true,
    });
    expect(launchOf(target, given({ '--env PGPASSWORD': ['s3cret'] }), { DEBUG: '1' })).toEqual({
      transport: 'stdio',
      command: 'docker',
      args: [
        'run',
        '-i',
        '--rm',
        '--network',
        'host',
        '-e',
        'PGHOST',
        '-e',
        'PGPASSWORD',
        '-e',
        'DEBUG',
        'docker.io/example/postgres-mcp:0.6.0',
      ],
      env: { PGHOST: 'localhost', PGPASSWORD: 's3cret', DEBUG: '1' },
    });
  });

  it('a remote: its Streamable HTTP URL with its variables, and its headers', () => {
    const server = entry('notes-remote.json');
    const target = chooseTarget(server, false);
    expect(target.kind).toBe('remote');
    expect(inputsOf(target).map((need) => [need.key, need.required, need.secret])).toEqual([
      ['region', false, false],
      ['token', true, true],
    ]);
    expect(launchOf(target, given({ '--arg token': ['t0k'], '--arg region': ['us'] }))).toEqual({
      transport: 'http',
      url: 'https://us.notes.example.com/mcp',
      headers: { 'X-Notes-Client': 'mcpctl', Authorization: 'Bearer t0k' },
    });
  });

  it('prefers a package, or the remote with --remote; refuses an entry it cannot run', () => {
    const both: RegistryServer = {
      ...entry('memory.json'),
      remotes: [{ type: 'streamable-http', url: 'https://memory.example.com/mcp' }],
    };
    expect(chooseTarget(both, false).kind).toBe('package');
    expect(chooseTarget(both, true).kind).toBe('remote');
    const sseOnly: RegistryServer = {
      ...entry('memory.json'),
      packages: [],
      remotes: [{ type: 'sse', url: 'https://x/sse' }],
    };
    expect(() => chooseTarget(sseOnly, false)).toThrow(/offers nothing mcpctl can run: sse remote https:\/\/x\/sse/);
  });
});
