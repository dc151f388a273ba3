import { McpctlError } from '../../shared/errors.js';
import { type CallContext, LOCAL_CALL } from '../../shared/principal.js';
import { isMutating, NAMED_OBJECTS, PROFILE_METHODS } from '../apiEffects.js';
import type { AuditLog } from './auditLog.js';

/** A control handler as the control server calls it: a context once callers are told apart. */
export type ContextHandler = (body: unknown, context: CallContext) => Promise<unknown>;
export type AuditedHandler = (body: unknown, context?: CallContext) => Promise<unknown>;

/** Names are capped: a row says what was named, never a value of any size. */
const MAX_NAME = 200;

function nameOf(value: unknown): string | null {
  return typeof value === 'string' ? value.slice(0, MAX_NAME) : null;
}

function field(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

/**
 * The server (or `profiles/NAME`) a call names, read from the raw body (it may be invalid: a
 * refused call is recorded too). Only names: never env, headers, arguments or documents.
 */
export function targetOf(method: string, body: unknown): string | null {
  const name = nameOf(field(body, 'name')) ?? nameOf(field(field(body, 'spec'), 'name'));
  if (name !== null) {
    if (PROFILE_METHODS.has(method)) return `profiles/${name}`;
    const kind = Object.hasOwn(NAMED_OBJECTS, method) ? NAMED_OBJECTS[method] : undefined;
    return kind === undefined ? name : `${kind}/${name}`;
  }
  const names = field(body, 'names');
  if (Array.isArray(names) && names.length > 0)
    return names
      .filter((n) => typeof n === 'string')
      .join(',')
      .slice(0, MAX_NAME);
  return field(body, 'all') === true ? '*' : null;
}

function errorCode(error: unknown): string {
  return error instanceof McpctlError ? error.code : 'INTERNAL';
}

/**
 * Wraps the control server's method table so that each mutating call (apiEffects.ts) is
 * recorded, with its outcome and duration, once it has an answer. Handlers get the caller's
 * context on (LOCAL_CALL when the server passes none: the Unix socket's owner).
 */
export function withAudit(
  methods: Record<string, ContextHandler>,
  audit: AuditLog,
  now: () => number = Date.now,
): Record<string, AuditedHandler> {
  const audited: Record<string, AuditedHandler> = {};
  for (const [method, handler] of Object.entries(methods)) {
    if (!isMutating(method)) {
      audited[method] = (body, context = LOCAL_CALL) => handler(body, context);
      continue;
    }
    audited[method] = async (body, context = LOCAL_CALL) => {
      const at = now();
      const started = performance.now();
      let error: string | null = null;
      try {
        return await handler(body, context);
      } catch (thrown) {
        error = errorCode(thrown);
        throw thrown;
      } finally {
        audit.record(context, {
          at,
          method,
          server: targetOf(method, body),
          tool: null,
          session: method === 'killSession' ? nameOf(field(body, 'id')) : null,
          error,
          durationMs: performance.now() - started,
        });
      }
    };
  }
  return audited;
}
