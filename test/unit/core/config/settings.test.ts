import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../../../src/core/config/settings.js';
import { McpctlError } from '../../../../src/shared/errors.js';
import { resolvePaths } from '../../../../src/shared/paths.js';

let home: string;
afterEach(() => rmSync(home, { recursive: true, force: true }));

function withConfig(yaml?: string) {
  home = mkdtempSync(join(tmpdir(), 'mcpctl-settings-'));
  const paths = resolvePaths({ MCPCTL_HOME: home });
  if (yaml !== undefined) writeFileSync(paths.configFile, yaml);
  return paths;
}

describe('loadSettings', () => {
  it('uses the defaults without a config file', async () => {
    const settings = await loadSettings(withConfig(), {});
    expect(settings.gateway).toMatchObject({
      host: '127.0.0.1',
      port: 7711,
      maxBodyBytes: 4 * 1024 * 1024,
      idleTimeout: 10 * 60_000,
      drainTimeout: 10_000,
      maxUnreadBytes: 8 * 1024 * 1024,
    });
    expect(settings.logs).toEqual({ maxBytes: 10 * 1024 * 1024, keep: 5, level: 'info' });
  });

  it('reads config.yaml, and MCPCTL_* variables override it', async () => {
    const paths = withConfig('gateway:\n  port: 9000\n  idleTimeout: 1m\n  drainTimeout: 2s\nlogs:\n  keep: 2\n');
    const settings = await loadSettings(paths, {
      MCPCTL_GATEWAY_PORT: '0',
      MCPCTL_LOG_LEVEL: 'debug',
      MCPCTL_GATEWAY_DRAIN_TIMEOUT: '500ms',
      MCPCTL_GATEWAY_MAX_UNREAD_BYTES: '1048576',
    });
    expect(settings.gateway).toMatchObject({
      port: 0,
      idleTimeout: 60_000,
      drainTimeout: 500,
      maxUnreadBytes: 1024 * 1024,
    });
    expect(settings.logs).toMatchObject({ keep: 2, level: 'debug' });
  });

  it('reads gateway.allowedHosts from a list or MCPCTL_ALLOWED_HOSTS (comma-separated), lower case', async () => {
    const listed = await loadSettings(withConfig('gateway:\n  allowedHosts: [MCP.example.test, "lb.test:8080"]\n'), {});
    expect(listed.gateway.allowedHosts).toEqual(['mcp.example.test', 'lb.test:8080']);
    const fromEnv = await loadSettings(withConfig(), { MCPCTL_ALLOWED_HOSTS: ' a.test , [::1]:9000,,' });
    expect(fromEnv.gateway.allowedHosts).toEqual(['a.test', '[::1]:9000']);
    expect((await loadSettings(withConfig(), {})).gateway.allowedHosts).toEqual([]);
    for (const bad of ['a.test,http://b.test', 'a.test:0', '*.example.test', 'a b']) {
      const error = await loadSettings(withConfig(), { MCPCTL_ALLOWED_HOSTS: bad }).catch((e: unknown) => e);
      expect(error, bad).toBeInstanceOf(McpctlError);
      expect((error as McpctlError).message).toMatch(/gateway\.allowedHosts: '[^']+' is not host\[:port\]/);
    }
  });

  it('refuses broken YAML, unknown keys and bad values with CONFIG_INVALID', async () => {
    for (const [yaml, message] of [
      ['gateway: [port', /config\.yaml:1:\d+: /],
      ['gateway:\n  prot: 1\n', /gateway/],
      ['logs:\n  keep: 0\n', /logs\.keep/],
      ['gateway:\n  drainTimeout: 10\n', /gateway\.drainTimeout: expected a duration with its unit/],
      [
        'gateway:\n  idleTimeout: "10"\n',
        /gateway\.idleTimeout: expected a duration with its unit, e\.g\. 10s or 5m, not '10'/,
      ],
      ['gateway:\n  idleTimeout: 10ms\n', /gateway\.idleTimeout: must be at least 1s/],
    ] as const) {
      const error = await loadSettings(withConfig(yaml), {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(McpctlError);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) });
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('refuses a bad variable naming it', async () => {
    const error = await loadSettings(withConfig(), { MCPCTL_GATEWAY_PORT: 'seventy' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/gateway\.port/) });
  });
});
