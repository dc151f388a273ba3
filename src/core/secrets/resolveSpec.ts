import { McpctlError } from '../../shared/errors.js';
import type { ServerSpec } from '../servers/definition.js';
import { substituteRecord, substituteSecrets } from './references.js';
import { serverSecretNames } from './usage.js';

/** What the process launcher may ask of the secrets: values by name, for one spawn or connect. */
export interface SecretResolver {
  resolve(names: readonly string[], what: string): Promise<Map<string, string>>;
}

/**
 * The definition with `${secret:NAME}` in its env values, args and headers replaced by the
 * values, for the runner that spawns or connects it and for nothing else: the supervisor keeps
 * (stores, shows, exports) the definition with its references. `values`: what was put in, for
 * masking in the server's log.
 */
export async function withSecrets<S extends ServerSpec>(
  spec: S,
  resolver: SecretResolver | undefined,
): Promise<{ spec: S; values: string[] }> {
  const names = serverSecretNames(spec);
  if (names.length === 0) return { spec, values: [] };
  const what = `server '${spec.name}'`;
  if (!resolver) {
    throw new McpctlError('INTERNAL', `${what} refers to secrets, but this daemon has no secret store`, {
      hint: 'report this: every daemon opens its secret store',
    });
  }
  const values = await resolver.resolve(names, what);
  const resolved: S =
    spec.transport === 'stdio'
      ? {
          ...spec,
          env: substituteRecord(spec.env, values),
          args: spec.args.map((arg) => substituteSecrets(arg, values)),
        }
      : { ...spec, headers: substituteRecord(spec.headers, values) };
  return { spec: resolved, values: [...values.values()] };
}
