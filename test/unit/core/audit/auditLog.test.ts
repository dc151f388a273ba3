import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../../src/core/audit/auditLog.js';
import { withAudit } from '../../../../src/core/audit/controlAudit.js';
import { McpctlError } from '../../../../src/shared/errors.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { type CallContext, LOCAL_CALL } from '../../../../src/shared/principal.js';
import { openSqliteStore } from '../../../../src/store/sqliteStore.js';
import type { Store } from '../../../../src/store/types.js';

const homes: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function store(): Store {
  const home = mkdtempSync(join(tmpdir(), 'mcpctl-audit-'));
  homes.push(home);
  const opened = openSqliteStore({ path: join(home, 'mcpctl.db'), logger: silentLogger });
  stores.push(opened);
  return opened;
}

const call = (method: string, at: number, server: string | null = null) => ({
  at,
  method,
  server,
  tool: null,
  session: null,
  error: null,
  durationMs: 1,
});

describe('the audit log', () => {
  it('keeps only the newest maxRows rows (pruned by count)', async () => {
    const s = store();
    const audit = createAuditLog(s, silentLogger, { maxRows: 5, maxAgeMs: 86_400_000 });
    for (let i = 0; i < 12; i++) audit.record(LOCAL_CALL, call(`m${i}`, Date.now()));
    await audit.flushed();
    for (let i = 12; i < 20; i++) audit.record(LOCAL_CALL, call(`m${i}`, Date.now()));
    await audit.flushed();
    const rows = await s.audit.list({ limit: 100 });
    expect(rows.map((row) => row.method)).toEqual(['m15', 'm16', 'm17', 'm18', 'm19']);
  });

  it('drops rows older than maxAge when it prunes', async () => {
    const s = store();
    const now = Date.now();
    await s.audit.append([
      { ...row('old'), time: new Date(now - 3 * 86_400_000).toISOString() },
      { ...row('recent'), time: new Date(now - 1000).toISOString() },
    ]);
    const audit = createAuditLog(s, silentLogger, { maxRows: 100, maxAgeMs: 86_400_000 });
    await audit.flushed();
    expect((await s.audit.list({ limit: 10 })).map((r) => r.method)).toEqual(['recent']);
  });

  it('records a mutating call with its principal, outcome and duration, and not a read', async () => {
    const s = store();
    const audit = createAuditLog(s, silentLogger, { maxRows: 100, maxAgeMs: 86_400_000 });
    const token: CallContext = { principal: { kind: 'token', name: 'ci', role: 'operator' }, address: '10.0.0.7' };
    const methods = withAudit(
      {
        stopServers: async () => [],
        listServers: async () => [],
        removeServer: async () => {
          throw new McpctlError('NOT_FOUND', 'no server named x');
        },
      },
      audit,
    );
    await methods.stopServers?.({ names: ['a', 'b'] }, token);
    await methods.listServers?.({});
    await expect(methods.removeServer?.({ name: 'x', force: false })).rejects.toThrow('no server');
    await audit.flushed();
    const rows = await s.audit.list({ limit: 10 });
    expect(rows).toMatchObject([
      { method: 'stopServers', principal: 'ci', principalKind: 'token', role: 'operator', address: '10.0.0.7' },
      { method: 'removeServer', principal: 'owner', role: 'admin', address: 'unix', server: 'x' },
    ]);
    expect(rows[0]).toMatchObject({ server: 'a,b', outcome: 'ok', error: null });
    expect(rows[1]).toMatchObject({ outcome: 'error', error: 'NOT_FOUND' });
    expect(rows.every((r) => r.durationMs >= 0)).toBe(true);
  });
});

function row(method: string) {
  return {
    time: new Date().toISOString(),
    principal: 'owner',
    principalKind: 'owner',
    role: 'admin',
    address: 'unix',
    method,
    server: null,
    tool: null,
    session: null,
    outcome: 'ok',
    error: null,
    durationMs: 1,
  };
}
