import { describe, expect, it } from 'vitest';
import { validateServerSpec } from '../../../../../src/cli/commands/server/add.js';
import { type AddFlags, buildServerSpec } from '../../../../../src/cli/commands/server/spec.js';
import { failure } from '../../../../helpers/errors.js';

/** A secret reference as users write it, kept literally (never expanded by the CLI). */
const SECRET_REF = '$' + '{secret:tok}';

const NO_FLAGS: AddFlags = { env: [], header: [], label: [], autostart: true };

function flags(overrides: Partial<AddFlags> = {}): AddFlags {
  return { ...NO_FLAGS, ...overrides };
}

describe('buildServerSpec: stdio', () => {
  it('keeps the argv after -- as an array, never a shell string', () => {
    const spec = buildServerSpec('everything', ['npx', '-y', 'pkg with space', '--flag=$X'], NO_FLAGS, '/home/u');
    expect(spec).toEqual({
      name: 'everything',
      transport: 'stdio',
      command: 'npx',
      args: ['-y', 'pkg with space', '--flag=$X'],
      env: {},
      autostart: true,
      labels: {},
      policy: {},
    });
    validateServerSpec(spec);
  });

  it('maps env, labels, a relative --cwd and --no-autostart', () => {
    const spec = buildServerSpec(
      'fs',
      ['node', 'server.js'],
      flags({ env: ['ROOT=/srv', `TOKEN=${SECRET_REF}`], label: ['team=a'], cwd: '../app', autostart: false }),
      '/home/u/work',
    );
    expect(spec).toMatchObject({
      env: { ROOT: '/srv', TOKEN: SECRET_REF },
      labels: { team: 'a' },
      cwd: '/home/u/app',
      autostart: false,
    });
    validateServerSpec(spec);
  });

  it('converts every policy flag to the policy fields, durations in ms', () => {
    const spec = buildServerSpec(
      'x',
      ['node'],
      flags({
        restart: 'always',
        maxRestarts: '0',
        healthRetries: '7',
        startTimeout: '45s',
        healthInterval: '1m',
        healthTimeout: '2s',
        backoffInitial: '500ms',
        backoffMax: '2m',
        restartWindow: '10m',
        stableAfter: '30s',
        stopGrace: '0s',
      }),
      '/',
    );
    expect(spec.policy).toEqual({
      restart: 'always',
      maxRestarts: 0,
      healthRetries: 7,
      startTimeoutMs: 45_000,
      healthIntervalMs: 60_000,
      healthTimeoutMs: 2000,
      backoffInitialMs: 500,
      backoffMaxMs: 120_000,
      restartWindowMs: 600_000,
      stableAfterMs: 30_000,
      stopGraceMs: 0,
    });
    validateServerSpec(spec);
  });
});

describe('buildServerSpec: http', () => {
  it('builds an http spec with headers from --url', () => {
    const spec = buildServerSpec(
      'docs',
      [],
      flags({ url: 'https://example.com/mcp', header: ['Authorization: Bearer t', 'X-Team:  a '] }),
      '/',
    );
    expect(spec).toEqual({
      name: 'docs',
      transport: 'http',
      url: 'https://example.com/mcp',
      headers: { Authorization: 'Bearer t', 'X-Team': 'a' },
      autostart: true,
      labels: {},
      policy: {},
    });
    validateServerSpec(spec);
  });
});

describe('buildServerSpec: usage errors (exit 2, before any daemon)', () => {
  it.each<[string, () => unknown, string]>([
    [
      'no command',
      () => buildServerSpec('x', [], NO_FLAGS, '/'),
      'a command is required: mcpctl server add NAME -- COMMAND [ARGS...]',
    ],
    [
      'url and command',
      () => buildServerSpec('x', ['node'], flags({ url: 'https://e.com/mcp' }), '/'),
      "give either --url or a command, not both (got --url https://e.com/mcp and 'node')",
    ],
    [
      'negative --max-restarts',
      () => buildServerSpec('x', ['node'], flags({ maxRestarts: '-1' }), '/'),
      "invalid --max-restarts '-1': must be an integer >= 0",
    ],
    [
      'fractional --max-restarts',
      () => buildServerSpec('x', ['node'], flags({ maxRestarts: '2.5' }), '/'),
      "invalid --max-restarts '2.5': must be an integer >= 0",
    ],
    [
      'unknown --restart',
      () => buildServerSpec('x', ['node'], flags({ restart: 'sometimes' }), '/'),
      "invalid --restart 'sometimes': must be one of always, on-failure, never",
    ],
    [
      'malformed --env',
      () => buildServerSpec('x', ['node'], flags({ env: ['FOO'] }), '/'),
      "invalid --env 'FOO': expected KEY=VALUE",
    ],
    [
      'malformed --header',
      () => buildServerSpec('x', [], flags({ url: 'https://e.com', header: ['Bearer x'] }), '/'),
      "invalid --header 'Bearer x': expected 'Name: value'",
    ],
    [
      'bad duration',
      () => buildServerSpec('x', ['node'], flags({ stopGrace: '5 minutes' }), '/'),
      "invalid --stop-grace '5 minutes': expected a duration like 500ms, 10s, 5m or 1h",
    ],
    [
      'zero --health-retries',
      () => buildServerSpec('x', ['node'], flags({ healthRetries: '0' }), '/'),
      "invalid --health-retries '0': must be an integer >= 1",
    ],
    [
      'bad --env name',
      () => buildServerSpec('x', ['node'], flags({ env: ['1A=b'] }), '/'),
      "invalid --env '1A=b': the name must match [A-Za-z_][A-Za-z0-9_]*",
    ],
    [
      'duplicate --env',
      () => buildServerSpec('x', ['node'], flags({ env: ['A=1', 'A=2'] }), '/'),
      "--env 'A' is given twice",
    ],
    [
      '--env with --url',
      () => buildServerSpec('x', [], flags({ url: 'https://e.com', env: ['A=1'] }), '/'),
      '--env, --cwd, --share, --pool, --max-sessions and --max-memory apply to stdio servers (a command), not to --url',
    ],
    [
      '--header with a command',
      () => buildServerSpec('x', ['node'], flags({ header: ['A: b'] }), '/'),
      '--header applies to --url servers, not to a command',
    ],
  ])('%s', (_, run, message) => {
    const error = failure(run);
    expect(error.message).toBe(message);
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBeTruthy();
  });
});

describe('validateServerSpec', () => {
  it('rejects what only the schema knows, naming the field', () => {
    const badName = failure(() => validateServerSpec(buildServerSpec('Bad/Name', ['node'], NO_FLAGS, '/')));
    expect(badName.exitCode).toBe(2);
    expect(badName.message).toMatch(/^invalid server definition: name: must be 1-63 characters/);

    const badUrl = failure(() => validateServerSpec(buildServerSpec('x', [], flags({ url: 'ftp://e.com' }), '/')));
    expect(badUrl.message).toContain('url: the URL must be http:// or https://');

    const badLabel = failure(() =>
      validateServerSpec(buildServerSpec('x', ['node'], flags({ label: ['-bad=1'] }), '/')),
    );
    expect(badLabel.message).toMatch(/^invalid server definition: labels/);
  });
});
