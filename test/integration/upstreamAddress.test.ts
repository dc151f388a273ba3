import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolve } from '../../src/daemon/net/addressPolicy.js';
import { type HeaderEcho, startHeaderEcho } from '../helpers/headerEcho.js';
import { fastPolicy, spec, useSupervisorHome } from '../helpers/supervisor.js';

/**
 * The private-address check at connect time, with the resolver injected (SupervisorDeps.resolve:
 * no DNS server here): the name `localhost` (which the fixture's Host check accepts) answers
 * whatever the test sets, as a rebinding DNS would.
 */
let answers: LookupAddress[][] = [];
const asked: string[] = [];
const resolve: Resolve = async (hostname) => {
  asked.push(hostname);
  return answers.length > 1 ? (answers.shift() as LookupAddress[]) : (answers[0] ?? []);
};
const home = useSupervisorHome({ resolve });
let upstream: HeaderEcho;

beforeAll(async () => {
  upstream = await startHeaderEcho();
});
afterAll(() => upstream?.kill());

const v4 = (address: string): LookupAddress[] => [{ address, family: 4 }];
const byName = () => upstream.url.replace('127.0.0.1', 'localhost');
const remote = (input: { allowPrivate?: boolean; autostart?: boolean } = {}) =>
  spec({
    name: 'remote',
    transport: 'http',
    url: byName(),
    policy: fastPolicy({ maxRestarts: 0, healthIntervalMs: 60_000 }),
    ...input,
  });

describe('an http upstream by host name', () => {
  it('connects through the checked address when the name resolves to loopback', async () => {
    answers = [v4('127.0.0.1')];
    asked.length = 0;
    const entry = await home.supervisor.add(remote());
    expect(entry.instance.state, entry.instance.lastError ?? '').toBe('running');
    await entry.instance.runner?.ping(5000);
    // Once at add, then by the sockets' lookup when connecting.
    expect(asked.length).toBeGreaterThanOrEqual(2);
  });

  it('is refused at connect when the name rebinds to a private address after the check at add', async () => {
    answers = [v4('127.0.0.1'), v4('10.0.0.7')];
    const entry = await home.supervisor.add(remote());
    expect(entry.instance.state).not.toBe('running');
    expect(entry.instance.lastError).toMatch(/resolves to 10\.0\.0\.7, which is a private, link-local or metadata/);
  });

  it('is refused at add when it resolves to a private address, and accepted with allowPrivate', async () => {
    answers = [v4('192.168.7.7')];
    await expect(home.supervisor.add(remote({ autostart: false }))).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      hint: expect.stringContaining('--allow-private'),
    });
    expect(home.supervisor.list()).toEqual([]);
    const entry = await home.supervisor.add(remote({ autostart: false, allowPrivate: true }));
    expect(entry.spec).toMatchObject({ allowPrivate: true });
  });
});
