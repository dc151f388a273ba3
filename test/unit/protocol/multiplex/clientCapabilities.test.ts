import { describe, expect, it } from 'vitest';
import type { JsonRpcRequest } from '../../../../src/protocol/jsonrpc.js';
import { missingCapability } from '../../../../src/protocol/multiplex/clientCapabilities.js';

const request = (method: string, params?: Record<string, unknown>): JsonRpcRequest => ({
  jsonrpc: '2.0',
  id: 1,
  method,
  params,
});

describe('missingCapability', () => {
  it('names the capability a server request needs and the client lacks', () => {
    expect(missingCapability({}, request('sampling/createMessage'))).toBe('sampling');
    expect(missingCapability({}, request('elicitation/create'))).toBe('elicitation');
    expect(missingCapability({}, request('roots/list'))).toBe('roots');
  });

  it('accepts a declared capability, and lets unknown methods through for the client to judge', () => {
    expect(missingCapability({ sampling: {} }, request('sampling/createMessage'))).toBeUndefined();
    expect(missingCapability({ roots: { listChanged: true } }, request('roots/list'))).toBeUndefined();
    expect(missingCapability({}, request('vendor/thing'))).toBeUndefined();
  });

  it('reads the 2025-11-25 sub-capabilities: url elicitation and sampling with tools', () => {
    expect(missingCapability({ elicitation: {} }, request('elicitation/create', { mode: 'form' }))).toBeUndefined();
    expect(missingCapability({ elicitation: {} }, request('elicitation/create', { mode: 'url' }))).toBe(
      'elicitation.url',
    );
    expect(
      missingCapability({ elicitation: { url: {} } }, request('elicitation/create', { mode: 'url' })),
    ).toBeUndefined();
    expect(missingCapability({ sampling: {} }, request('sampling/createMessage', { tools: [] }))).toBe(
      'sampling.tools',
    );
  });
});
