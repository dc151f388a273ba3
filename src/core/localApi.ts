import type { MethodHandler, StreamHandler } from '../daemon/ipc/controlServer.js';
import { McpctlError } from '../shared/errors.js';
import { type CallContext, LOCAL_CALL, type Principal } from '../shared/principal.js';
import {
  type ControlApi,
  type ControlHandlers,
  type ControlMethod,
  type ControlStream,
  controlMethods,
  controlStreams,
} from './api.js';
import { type Access, allows, inScopeOf, METHOD_RULES, type ObjectRef, STREAM_RULES } from './apiRoles.js';
import { unknownProfile } from './profiles/registry.js';
import { parseInput } from './validation.js';

export interface MethodTable {
  methods: Record<string, MethodHandler>;
  streams: Record<string, StreamHandler>;
}

/**
 * The untyped tables the control server takes: each entry checks the caller's role against
 * the matrix (apiRoles.ts, 403), validates its input with the method's schema, checks the
 * objects it names against the caller's scope (404: never say it exists), then runs the typed
 * handler. A stream's bad input throws at the call, before any byte is sent, so the server can
 * answer it with a plain 400.
 */
export function toMethodTable(handlers: ControlHandlers): MethodTable {
  const methods: Record<string, MethodHandler> = {};
  const streams: Record<string, StreamHandler> = {};
  const scope = new ScopeCheck(handlers);
  for (const method of Object.keys(controlMethods) as ControlMethod[]) {
    methods[method] = authorizedMethod(handlers, method, scope);
  }
  for (const stream of Object.keys(controlStreams) as ControlStream[]) {
    streams[stream] = authorizedStream(handlers, stream, scope);
  }
  return { methods, streams };
}

/** The ControlApi in-process (tests, `daemon run` tools): same checks as the socket, no wire; `call` defaults to the owner. */
export function createLocalApi(handlers: ControlHandlers, call: CallContext = LOCAL_CALL): ControlApi {
  const { methods, streams } = toMethodTable(handlers);
  const api: Record<string, unknown> = {};
  for (const [name, run] of Object.entries(methods)) api[name] = (input: unknown) => run(input, call);
  for (const [name, open] of Object.entries(streams)) {
    // Deferred like the remote stream, so bad input surfaces on iteration in both.
    api[name] = async function* (input: unknown, signal: AbortSignal): AsyncGenerator<unknown> {
      yield* await open(input, call, signal);
    };
  }
  return api as ControlApi;
}

function requireAccess(principal: Principal, access: Access, name: string): void {
  if (allows(principal, access)) return;
  throw new McpctlError('PERMISSION_DENIED', `a ${principal.role} token may not call '${name}'`, {
    hint: `this needs ${access === 'read' ? 'a viewer' : access === 'operate' ? 'an operator' : access === 'admin' ? 'an admin' : 'a client'} token or more ('mcpctl token create NAME --role ...')`,
  });
}

/** Resolves the objects a call names against the caller's scope; a session counts as its server or profile. */
class ScopeCheck {
  constructor(private readonly handlers: ControlHandlers) {}

  async require(principal: Principal, refs: ObjectRef[]): Promise<void> {
    if (principal.scope === undefined) return;
    for (const ref of refs) {
      const resolved = ref.kind === 'session' ? await this.sessionTarget(ref.id) : ref;
      if (!inScopeOf(principal, resolved)) throw outOfScope(ref);
    }
  }

  private async sessionTarget(id: string): Promise<ObjectRef> {
    try {
      const view = await this.handlers.getSession({ id }, LOCAL_CALL);
      return view.profile === null ? { kind: 'server', name: view.server } : { kind: 'profile', name: view.profile };
    } catch {
      return { kind: 'session', id };
    }
  }
}

/** Out of scope reads exactly like absent: the same error the handler gives for a name that does not exist. */
function outOfScope(ref: ObjectRef): McpctlError {
  switch (ref.kind) {
    case 'server':
      return new McpctlError('NOT_FOUND', `no server named '${ref.name}'`, {
        hint: "list servers with 'mcpctl server ls'",
      });
    case 'profile':
      return unknownProfile(ref.name);
    case 'session':
      return new McpctlError('NOT_FOUND', `no session '${ref.id}'`, { hint: "list sessions with 'mcpctl session ls'" });
    case 'everything':
      return new McpctlError('PERMISSION_DENIED', `a scoped token cannot use ${ref.what}`, {
        hint: 'name the servers or profiles in its scope, or use a token without --scope',
      });
  }
}

function authorizedMethod<M extends ControlMethod>(
  handlers: ControlHandlers,
  method: M,
  scope: ScopeCheck,
): MethodHandler {
  const handler = handlers[method] as (input: unknown, call: CallContext) => Promise<unknown>;
  const schema = controlMethods[method].input;
  const rule = METHOD_RULES[method] as {
    access: Access;
    objects?: (input: unknown) => ObjectRef[];
    visible?: (output: unknown, inScope: (ref: ObjectRef) => boolean) => unknown;
  };
  return async (body, call) => {
    const { principal } = call;
    requireAccess(principal, rule.access, method);
    const input = parseInput(schema, body, `input of '${method}'`);
    await scope.require(principal, rule.objects?.(input) ?? []);
    const output = await handler.call(handlers, input, call);
    if (principal.scope === undefined || rule.visible === undefined) return output;
    return rule.visible(output, (ref) => inScopeOf(principal, ref));
  };
}

function authorizedStream<S extends ControlStream>(
  handlers: ControlHandlers,
  stream: S,
  scope: ScopeCheck,
): StreamHandler {
  const handler = handlers[stream] as (
    input: unknown,
    call: CallContext,
    signal: AbortSignal,
  ) => AsyncIterable<unknown>;
  const schema = controlStreams[stream].input;
  const rule = STREAM_RULES[stream] as { access: Access; objects?: (input: unknown) => ObjectRef[] };
  return async (body, call, signal) => {
    requireAccess(call.principal, rule.access, stream);
    const input = parseInput(schema, body, `input of '${stream}'`);
    await scope.require(call.principal, rule.objects?.(input) ?? []);
    return handler.call(handlers, input, call, signal);
  };
}
