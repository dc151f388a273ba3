import type { ControlApi } from '../../../core/api.js';
import type { InputNeed } from '../../../core/registry/entrySpec.js';
import { secretReference } from '../../../core/secrets/references.js';

/**
 * `server add --from`'s secret inputs (isSecret in server.json) are stored as secrets, encrypted
 * by the daemon, and the definition gets `${secret:NAME}` in their place: the value never sits in
 * the definition, its views, its export or the shell history.
 */
const WHOLE_REFERENCE = /^\$\{secret:[^}]+\}$/;

/** A value given as a reference to an existing secret is not itself a secret: taken as written. */
export function isSecretReference(value: string): boolean {
  return WHOLE_REFERENCE.test(value);
}

/** `tracker` + `TRACKER_TOKEN` → `tracker_TRACKER_TOKEN` (a second value of a repeated input: `..._2`). */
export function secretNameFor(server: string, key: string, index: number): string {
  const base = `${server}_${key}`.replace(/[^A-Za-z0-9_.-]/g, '_');
  const name = /^[A-Za-z_]/.test(base) ? base : `_${base}`;
  return (index === 0 ? name : `${name}_${index + 1}`).slice(0, 128);
}

export interface SecretToStore {
  name: string;
  value: string;
}

/**
 * Replaces the values of secret inputs by references, in place; returns what to store under them.
 * `idOf` names an input in `values` (addFrom.ts's needId).
 */
export function referSecrets(
  server: string,
  needs: readonly InputNeed[],
  values: Map<string, readonly string[]>,
  idOf: (need: InputNeed) => string,
): SecretToStore[] {
  const stored: SecretToStore[] = [];
  for (const need of needs) {
    const given = values.get(idOf(need));
    if (!need.secret || given === undefined) continue;
    values.set(
      idOf(need),
      given.map((value, index) => {
        if (isSecretReference(value)) return value;
        const name = secretNameFor(server, need.key, index);
        stored.push({ name, value });
        return secretReference(name);
      }),
    );
  }
  return stored;
}

/** Stores them; resolves to a function that removes those it created (the add failed after them). */
export async function storeSecrets(api: ControlApi, secrets: readonly SecretToStore[]): Promise<() => Promise<void>> {
  const created: string[] = [];
  for (const secret of secrets) {
    const result = await api.setSecret(secret);
    if (result.created) created.push(result.name);
  }
  return async () => {
    for (const name of created) await api.removeSecret({ name, force: true }).catch(() => undefined);
  };
}
