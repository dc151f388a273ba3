import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../src/core/audit/auditApi.js';
import { EVERYTHING, mcpctl, mcpctlJson } from '../helpers/cli.js';
import { connectHttp } from '../helpers/mcpClient.js';
import { addServer, type ProfileDaemon, startProfileDaemon } from '../helpers/profileDaemon.js';

const CANARY = 'canary-arg-9f41c2d7e0b3';

let daemon: ProfileDaemon;
let database: string;
let sessionId: string | undefined;
/** Between the first control calls and the gateway's calls, for --since. */
let midway: string;

beforeAll(async () => {
  daemon = await startProfileDaemon();
  database = (await mcpctlJson<{ database: string }>(daemon.home, ['daemon', 'status'])).database;
  await addServer(daemon.home, 'everything', [], [process.execPath, EVERYTHING]);
  expect((await mcpctl(daemon.home, ['server', 'stop', 'nope'])).code).toBe(8);
  await mcpctl(daemon.home, ['ls']);
  await new Promise((resolve) => setTimeout(resolve, 20));
  midway = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const session = await connectHttp(
    daemon.endpoint('everything'),
    new Client({ name: 'audit-test', version: '1.0.0' }),
  );
  try {
    sessionId = (session.client.transport as { sessionId?: string } | undefined)?.sessionId;
    await session.client.callTool({ name: 'echo', arguments: { message: CANARY } });
    await session.client.callTool({ name: 'no-such-tool', arguments: { message: CANARY } }).catch(() => undefined);
  } finally {
    await session.close();
  }
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
});

const audit = (args: string[] = []) => mcpctlJson<AuditEntryView[]>(daemon.home, ['audit', ...args]);

describe('the audit log of a real daemon', () => {
  it('records mutating control calls (ok and refused) and not reads', async () => {
    const control = (await audit()).filter((row) => row.method !== 'tools/call');
    expect(control.map((row) => [row.method, row.server, row.outcome, row.error])).toEqual([
      ['addServer', 'everything', 'ok', null],
      ['stopServers', 'nope', 'error', 'NOT_FOUND'],
    ]);
    expect(control[0]).toMatchObject({ principal: 'owner', principalKind: 'owner', role: 'admin', address: 'unix' });
  });

  it("records each gateway tools/call with its tool, session and outcome, the owner's on loopback", async () => {
    const calls = (await audit()).filter((row) => row.method === 'tools/call');
    expect(calls.map((row) => [row.server, row.tool, row.outcome])).toEqual([
      ['everything', 'echo', 'ok'],
      ['everything', 'no-such-tool', 'error'],
    ]);
    expect(calls[0]).toMatchObject({ principal: 'owner', role: 'admin', address: '127.0.0.1', session: sessionId });
    expect(calls[0]?.durationMs).toBeGreaterThan(0);
  });

  it('filters by --since, --principal and --server', async () => {
    expect((await audit(['--since', midway])).map((row) => row.method)).toEqual(['tools/call', 'tools/call']);
    expect(await audit(['--since', '1h'])).toHaveLength(4);
    expect(await audit(['--principal', 'someone-else'])).toEqual([]);
    expect((await audit(['--server', 'nope'])).map((row) => row.method)).toEqual(['stopServers']);
    expect(await audit(['--server', 'everything'])).toHaveLength(3);
    const table = await mcpctl(daemon.home, ['audit', '--server', 'nope']);
    expect(table.stdout).toMatch(/^TIME +PRINCIPAL +ROLE/);
    expect(table.stdout).toMatch(/owner +admin +unix +stopServers +nope +- +error: NOT_FOUND/);
  });

  it('never stores argument values: the canary is nowhere in the database files', async () => {
    const rows = await audit();
    expect(JSON.stringify(rows)).not.toContain(CANARY);
    for (const file of [database, `${database}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue; // no WAL left: everything is in the main file
      }
      expect(bytes.includes(CANARY), file).toBe(false);
    }
  });

  it('names an alert, a secret or a token by its kind, never as a server', async () => {
    expect((await mcpctl(daemon.home, ['alert', 'add', 'often', '--when', 'restarts > 3 in 10m'])).code).toBe(0);
    expect((await mcpctl(daemon.home, ['alert', 'rm', 'often'])).code).toBe(0);
    const removed = (await audit()).filter((row) => row.method === 'removeAlert');
    expect(removed.map((row) => row.server)).toEqual(['alerts/often']);
  });
});
