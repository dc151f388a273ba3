import type { JsonRpcRequest } from '../jsonrpc.js';

/**
 * The client capabilities a shared upstream is initialized with: the union of what
 * sessions may bring. Servers decide what to expose by them (server-everything lists
 * 13, 14 or 15 tools), so advertising less would hide tools from capable clients;
 * a session that lacks one gets the server's request refused with `missingCapability`.
 */
export const SHARED_CLIENT_CAPABILITIES: Record<string, unknown> = {
  sampling: {},
  elicitation: { form: {}, url: {} },
  roots: { listChanged: true },
};

function has(capabilities: Record<string, unknown>, name: string): boolean {
  const value = capabilities[name];
  return typeof value === 'object' && value !== null;
}

function hasSub(capabilities: Record<string, unknown>, name: string, sub: string): boolean {
  const value = capabilities[name];
  return typeof value === 'object' && value !== null && has(value as Record<string, unknown>, sub);
}

/**
 * The client capability a server-to-client request needs and this client did not
 * declare at initialize, or undefined when it may be forwarded.
 */
export function missingCapability(capabilities: Record<string, unknown>, request: JsonRpcRequest): string | undefined {
  const params = request.params;
  switch (request.method) {
    case 'sampling/createMessage':
      if (!has(capabilities, 'sampling')) return 'sampling';
      if (
        (params?.tools !== undefined || params?.toolChoice !== undefined) &&
        !hasSub(capabilities, 'sampling', 'tools')
      ) {
        return 'sampling.tools';
      }
      return undefined;
    case 'elicitation/create':
      if (!has(capabilities, 'elicitation')) return 'elicitation';
      // An empty elicitation capability means form mode only (2025-11-25).
      if (params?.mode === 'url' && !hasSub(capabilities, 'elicitation', 'url')) return 'elicitation.url';
      return undefined;
    case 'roots/list':
      return has(capabilities, 'roots') ? undefined : 'roots';
    default:
      return undefined;
  }
}
