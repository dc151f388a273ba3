import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, STREAM_NAMES } from '../../../src/core/apiNames.js';
import { ACCESS_ROLES, GATEWAY_PATHS, GATEWAY_RULES, METHOD_RULES, STREAM_RULES } from '../../../src/core/apiRoles.js';
import { toMethodTable } from '../../../src/core/localApi.js';
import { McpctlError } from '../../../src/shared/errors.js';
import type { CallContext, Role } from '../../../src/shared/principal.js';
import { stubHandlers } from './stubHandlers.js';

const ROLES: Role[] = ['admin', 'operator', 'viewer', 'client'];
const as = (role: Role, scope?: { servers: string[]; profiles: string[] }): CallContext => ({
  principal: { kind: 'token', name: role, role, ...(scope ? { scope } : {}) },
  address: '127.0.0.1',
});

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return error instanceof McpctlError ? error.code : 'thrown';
  }
}

describe('the role matrix', () => {
  it('has a row for every control method, stream and gateway path kind', () => {
    for (const name of METHOD_NAMES) expect(Object.hasOwn(METHOD_RULES, name), `no row for ${name}`).toBe(true);
    for (const name of STREAM_NAMES) expect(Object.hasOwn(STREAM_RULES, name), `no row for ${name}`).toBe(true);
    expect(Object.keys(METHOD_RULES).sort()).toEqual([...METHOD_NAMES].sort());
    for (const path of GATEWAY_PATHS) expect(GATEWAY_RULES[path]).toBe('gateway');
  });

  it('is what dispatch enforces: a role outside a row gets PERMISSION_DENIED before the handler runs', async () => {
    const { methods, streams } = toMethodTable(stubHandlers().handlers);
    for (const name of METHOD_NAMES) {
      const allowed = ACCESS_ROLES[METHOD_RULES[name].access];
      for (const role of ROLES) {
        const code = await codeOf(async () => methods[name]?.({}, as(role)));
        if (allowed.includes(role)) expect(code, `${role} ${name}`).not.toBe('PERMISSION_DENIED');
        else expect(code, `${role} ${name}`).toBe('PERMISSION_DENIED');
      }
    }
    const signal = new AbortController().signal;
    for (const role of ROLES) {
      const code = await codeOf(async () => streams.followLogs?.({ name: 'a' }, as(role), signal));
      expect(code, role).toBe(role === 'client' ? 'PERMISSION_DENIED' : 'ok');
    }
  });

  it('answers 404 for an object outside the scope, and lists only what is in it', async () => {
    const { methods } = toMethodTable(stubHandlers().handlers);
    const scoped = as('operator', { servers: ['a'], profiles: [] });
    expect(await codeOf(async () => methods.pingServer?.({ name: 'a' }, scoped))).toBe('ok');
    const hidden = await methods.pingServer?.({ name: 'b' }, scoped).catch((error: McpctlError) => error);
    expect(hidden).toMatchObject({ code: 'NOT_FOUND', message: "no server named 'b'" });
    expect(await codeOf(async () => methods.profileUrl?.({ name: 'p' }, scoped))).toBe('NOT_FOUND');
    expect(await codeOf(async () => methods.startServers?.({ all: true }, scoped))).toBe('PERMISSION_DENIED');
    expect(await codeOf(async () => methods.readLogs?.({}, scoped))).toBe('PERMISSION_DENIED');
  });
});
