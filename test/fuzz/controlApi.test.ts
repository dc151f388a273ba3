import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlMethods, controlStreams } from '../../src/core/api.js';
import { METHOD_EFFECTS } from '../../src/core/apiEffects.js';
import { METHOD_NAMES, STREAM_NAMES } from '../../src/core/apiNames.js';
import { ERROR_CODES } from '../../src/shared/errors.js';
import { resolvePaths } from '../../src/shared/paths.js';
import { EVERYTHING, mcpctl } from '../helpers/cli.js';
import { addRunningServer, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { anyJson, brokenText, hostileKey, jsonText, mutated, withDeepValue } from './arbitraries.js';
import { daemonErrors } from './daemonLog.js';
import { fuzzParameters, fuzzTimeout } from './fuzzRuns.js';
import { type RawAnswer, sendRaw } from './rawHttp.js';
import { openStoreReader, type StoreReader, settledSnapshot } from './storeSnapshot.js';

/**
 * Every control-API method (enumerated from METHOD_NAMES, so a new one is fuzzed without a change
 * here) and stream gets generated bodies on the real daemon's socket: random JSON, hostile keys,
 * JSON that is not quite JSON, and mutations of valid inputs. An input its schema refuses is
 * answered 4xx with a typed error and changes nothing stored; a valid one never gets a 5xx.
 */

type Name = (typeof METHOD_NAMES)[number] | (typeof STREAM_NAMES)[number];

let daemon: TestDaemon;
let socketPath: string;
let store: StoreReader;
let baseline: Record<string, string[]>;
const NO_SESSIONS = new Set<string>();

/**
 * Valid inputs to mutate, per method; a method without an entry (a new one) starts from `{}`.
 * Some are filled in from the running daemon (a real spec, a real exported document).
 */
const validInputs: Partial<Record<Name, unknown[]>> = {
  // An http server (port 9: nothing listens): a valid add spawns no process, however many runs add one.
  addServer: [{ spec: { name: 'fuzzed', transport: 'http', url: 'http://127.0.0.1:9/mcp' }, wait: false }],
  updateServer: [{ name: 'everything', patch: { env: { A: 'b' }, labels: { team: 'x' }, pool: 2 } }],
  getServerSpec: [{ name: 'everything' }],
  getServer: [{ name: 'everything' }],
  removeServer: [{ name: 'everything', force: false }],
  startServers: [{ names: ['everything'], wait: false }, { all: true }],
  stopServers: [{ names: ['everything'] }, { all: true }],
  restartServers: [{ names: ['everything', 'other'] }],
  readLogs: [{ name: 'everything', tail: 5, since: '2026-01-01T00:00:00Z' }, { tail: 1 }],
  followLogs: [{ name: 'everything', tail: 0 }],
  pingServer: [{ name: 'everything' }],
  serverUrl: [{ name: 'everything' }],
  profileUrl: [{ name: 'team' }],
  listSessions: [{ server: 'everything', all: true }],
  getSession: [{ id: '00000000-0000-4000-8000-000000000000' }],
  killSession: [{ id: '00000000-0000-4000-8000-000000000000' }],
  createProfile: [{ name: 'fuzzed', servers: ['everything'], description: 'd', copyFrom: 'team' }],
  getProfile: [{ name: 'team' }],
  updateProfile: [
    { name: 'team', edit: { op: 'setEnv', server: 'everything', env: { A: 'b' } } },
    { name: 'team', edit: { op: 'filter', allow: ['echo*'], deny: ['x'], clear: false } },
    { name: 'team', edit: { op: 'tool', tool: 'everything__echo', rename: 'shout', description: 'd' } },
    { name: 'team', edit: { op: 'settings', mode: 'all', separator: '__', listTimeoutMs: 1000, pin: ['a'] } },
  ],
  removeProfile: [{ name: 'team' }],
  useProfile: [{ name: 'team' }, { name: null }],
  exportConfig: [{ profile: 'team' }],
};

/**
 * Methods that write (apiEffects.ts: state changes or a daemon stop): a VALID input to one of them is not
 * sent (it would change the store by design, or end the run); their invalid inputs all are.
 * `applyConfig` is here too, but a valid dry run is sent: it must change nothing.
 */
const CHANGES_BY_DESIGN = new Set<Name>(METHOD_NAMES.filter((name) => METHOD_EFFECTS[name] === 'writes'));

const control = (name: string, body: string | undefined, method = 'POST'): Promise<RawAnswer> =>
  sendRaw({ socketPath }, { method, path: `/v1/${name}`, headers: { 'content-type': 'application/json' }, body });

async function call(name: Name, input: unknown): Promise<unknown> {
  const answer = await control(name, JSON.stringify(input));
  if (answer.status !== 200) throw new Error(`${name}: ${answer.status} ${answer.text}`);
  return JSON.parse(answer.text);
}

beforeAll(async () => {
  daemon = await startTestDaemon();
  const paths = resolvePaths({ MCPCTL_HOME: daemon.home });
  socketPath = paths.socket;
  await addRunningServer(daemon.home, 'everything', [], [process.execPath, EVERYTHING, 'stdio']);
  const profile = await mcpctl(daemon.home, ['profile', 'create', 'team', '--server', 'everything']);
  expect(profile.code, profile.stderr).toBe(0);
  await call('useProfile', { name: 'team' });
  const { spec } = (await call('getServerSpec', { name: 'everything' })) as { spec: Record<string, unknown> };
  validInputs.updateServer?.push({ spec });
  const { document } = (await call('exportConfig', {})) as { document: unknown };
  validInputs.applyConfig = [
    { document, prune: true, dryRun: true },
    { document, dryRun: false },
  ];
  store = openStoreReader(paths.database);
  baseline = await settledSnapshot(store, NO_SESSIONS);
}, 60_000);

afterAll(async () => {
  store?.close();
  await daemon?.stop();
});

/** What the daemon makes of a body: an empty one counts as `{}`; undefined for text that is not JSON. */
function inputOf(text: string): { json: boolean; value?: unknown } {
  if (text.trim() === '') return { json: true, value: {} };
  try {
    return { json: true, value: JSON.parse(text) };
  } catch {
    return { json: false };
  }
}

function schemaOf(name: Name) {
  return name in controlMethods
    ? controlMethods[name as keyof typeof controlMethods].input
    : controlStreams[name as keyof typeof controlStreams].input;
}

function bodies(name: Name): fc.Arbitrary<string> {
  const valid = fc.constantFrom(...(validInputs[name] ?? [{}]));
  return fc.oneof(
    { weight: 4, arbitrary: mutated(valid).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: valid.map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: fc.dictionary(hostileKey, anyJson, { maxKeys: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: jsonText },
    { weight: 1, arbitrary: withDeepValue(valid) },
    { weight: 1, arbitrary: brokenText(valid.map((value) => JSON.stringify(value))) },
    {
      weight: 1,
      arbitrary: anyJson.map((value) => JSON.stringify({ ...(validInputs[name]?.[0] as object), extra: value })),
    },
  );
}

function expectTypedError(answer: RawAnswer, where: string): void {
  expect(answer.headers['content-type'], where).toBe('application/json');
  const error = (JSON.parse(answer.text) as { error?: { code?: unknown; kind?: unknown; message?: unknown } }).error;
  expect(ERROR_CODES, `a typed error: ${where}`).toContain(error?.code);
  expect(error?.code, `no internal error for client input: ${where}`).not.toBe('INTERNAL');
  expect(typeof error?.message, where).toBe('string');
  expect(['user', 'system', 'network'], where).toContain(error?.kind);
}

function expectDaemonAlive(): void {
  expect(() => process.kill(daemon.pid, 0), 'the daemon still runs').not.toThrow();
}

async function check(name: Name, body: string): Promise<void> {
  const input = inputOf(body);
  const valid = input.json && schemaOf(name).safeParse(input.value).success;
  // Valid input to a method that changes state by design is not sent (see CHANGES_BY_DESIGN), nor
  // to a stream, which follows the log until the client leaves.
  const dryRun = valid && name === 'applyConfig' && (input.value as { dryRun?: unknown }).dryRun === true;
  if (valid && ((CHANGES_BY_DESIGN.has(name) && !dryRun) || name in controlStreams)) return;
  const answer = await control(name, body);
  const where = `${name} ${JSON.stringify(body.slice(0, 300))} → ${answer.status} ${answer.text.slice(0, 300)}`;
  expectDaemonAlive();
  expect(answer.status, `no 5xx: ${where}`).toBeLessThan(500);
  if (!valid) {
    expect(answer.status, `an invalid input is refused: ${where}`).toBeGreaterThanOrEqual(400);
    expectTypedError(answer, where);
  } else if (answer.status >= 400) expectTypedError(answer, where);
  expect(store.snapshot(NO_SESSIONS), `nothing stored changed: ${where}`).toEqual(baseline);
}

describe('fuzzing the control API', () => {
  for (const name of [...METHOD_NAMES, ...STREAM_NAMES]) {
    it(
      `${name}: generated and mutated bodies → 4xx with a typed error (never a 5xx, a crash or a stored change)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(bodies(name), (body) => check(name, body)),
          fuzzParameters(40),
        );
      },
      fuzzTimeout(30_000),
    );
  }

  it(
    'unknown and hostile method names, and methods other than POST → 404 or 405 with a typed error',
    async () => {
      const name = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', '', 'health/x'), fc.webSegment());
      const method = fc.constantFrom('POST', 'GET', 'PUT', 'DELETE', 'PATCH');
      await fc.assert(
        fc.asyncProperty(fc.oneof(name, fc.constantFrom(...METHOD_NAMES)), method, async (path, verb) => {
          // The real routes are fuzzed above (and GET /v1/health answers 200).
          if ((METHOD_NAMES as readonly string[]).includes(path) && verb === 'POST') return;
          if (path === 'health' && verb === 'GET') return;
          const answer = await control(path, '{}', verb);
          const where = `${verb} /v1/${path} → ${answer.status} ${answer.text}`;
          expectDaemonAlive();
          expect([404, 405], where).toContain(answer.status);
          expectTypedError(answer, where);
          expect(store.snapshot(NO_SESSIONS), where).toEqual(baseline);
        }),
        fuzzParameters(100),
      );
    },
    fuzzTimeout(30_000),
  );

  it('the daemon logged no error or warning while it was fuzzed', () => {
    expect(daemonErrors(resolvePaths({ MCPCTL_HOME: daemon.home }).daemonLog)).toEqual([]);
  });

  // Last, as it changes what is stored: inputs the schemas accept reach the handlers' own rules
  // (a merged definition, a profile edit, a plan), which must refuse with a typed error too.
  it(
    'valid inputs to the methods that change state by design (but daemonStop) → never a 5xx',
    async () => {
      // Only methods with sample inputs: filtering random ones down to valid ones would spin.
      const changing = [...CHANGES_BY_DESIGN].filter((name) => name !== 'daemonStop' && validInputs[name]);
      const validBody = fc.constantFrom(...changing).chain((name) =>
        fc
          .oneof(fc.constantFrom(...(validInputs[name] ?? [])), mutated(fc.constantFrom(...(validInputs[name] ?? []))))
          .filter((input) => schemaOf(name).safeParse(input).success)
          // Answer at once: a start's wait is bounded by the start timeout (30 s), not what this is about.
          .map((input) => ({
            name,
            input: 'wait' in (input as object) ? { ...(input as object), wait: false } : input,
          })),
      );
      await fc.assert(
        fc.asyncProperty(validBody, async ({ name, input }) => {
          const answer = await control(name, JSON.stringify(input));
          const where = `${name} ${JSON.stringify(input).slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 300)}`;
          expectDaemonAlive();
          expect(answer.status, `no 5xx: ${where}`).toBeLessThan(500);
          if (answer.status >= 400) expectTypedError(answer, where);
        }),
        fuzzParameters(60),
      );
    },
    fuzzTimeout(60_000),
  );
});
