import { describe, expect, it } from 'vitest';
import { controlMethods, controlStreams } from '../../../src/core/api.js';
import { isMutating, METHOD_EFFECTS, STREAM_EFFECTS } from '../../../src/core/apiEffects.js';

describe('the classification of control methods for the audit log', () => {
  it('says of every method and stream whether it reads or writes, and of nothing else', () => {
    const unclassified = Object.keys(controlMethods).filter((name) => !Object.hasOwn(METHOD_EFFECTS, name));
    expect(unclassified, 'add each to METHOD_EFFECTS in src/core/apiEffects.ts').toEqual([]);
    expect(Object.keys(METHOD_EFFECTS).sort()).toEqual(Object.keys(controlMethods).sort());
    expect(Object.keys(STREAM_EFFECTS).sort()).toEqual(Object.keys(controlStreams).sort());
  });

  it('counts the changes of servers, profiles, sessions and the daemon as mutating, reads not', () => {
    for (const method of ['addServer', 'removeServer', 'stopServers', 'killSession', 'createProfile', 'daemonStop']) {
      expect(isMutating(method), method).toBe(true);
    }
    for (const method of ['listServers', 'getServer', 'readLogs', 'listAudit', 'constructor', 'nope']) {
      expect(isMutating(method), method).toBe(false);
    }
  });
});
