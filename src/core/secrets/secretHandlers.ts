import { McpctlError } from '../../shared/errors.js';
import type { ControlHandlers } from '../api.js';
import type { ProfileRegistry } from '../profiles/registry.js';
import type { Supervisor } from '../servers/supervisor.js';
import { secretUsers } from './usage.js';
import type { SecretVault } from './vault.js';

export interface SecretHandlerDeps {
  vault: SecretVault;
  supervisor: Supervisor;
  profiles: ProfileRegistry;
}

type SecretHandlers = Pick<ControlHandlers, 'setSecret' | 'listSecrets' | 'removeSecret' | 'rotateSecretKey'>;

function inUse(name: string, users: readonly string[]): McpctlError {
  return new McpctlError('INVALID_ARGUMENT', `the secret '${name}' is used by ${users.join(', ')}`, {
    hint: `change those definitions first, or pass --force (they will fail to start until '${name}' is set again)`,
  });
}

export function createSecretHandlers(deps: SecretHandlerDeps): SecretHandlers {
  const { vault } = deps;
  const users = (): Map<string, string[]> =>
    secretUsers(
      deps.supervisor.list().map((entry) => entry.spec),
      deps.profiles.list().map((entry) => entry.spec),
    );
  return {
    async setSecret({ name, value }) {
      const { secret, created } = await vault.set(name, value);
      return { ...secret, created, usedBy: users().get(name) ?? [] };
    },
    async listSecrets() {
      const byName = users();
      return (await vault.list()).map((secret) => ({ ...secret, usedBy: byName.get(secret.name) ?? [] }));
    },
    async removeSecret({ name, force }) {
      const usedBy = users().get(name) ?? [];
      if (usedBy.length > 0 && !force && (await vault.has(name))) throw inUse(name, usedBy);
      await vault.remove(name);
      return { name, usedBy };
    },
    async rotateSecretKey() {
      const { count, keyId, source } = await vault.rotate();
      return { count, keyId, keySource: source };
    },
  };
}
