import { McpctlError } from '../../shared/errors.js';
import { keyIdOf } from './cipher.js';
import { envSlot, fileSlot, type KeySlot, type KeySource, keyringSlot, MASTER_KEY_ENV, newKey } from './keySlots.js';

export interface MasterKeyOptions {
  env: NodeJS.ProcessEnv;
  /** The key file (config dir, 0600). */
  keyFile: string;
  /** Names this home's keyring entry, so two homes never share a key. */
  homeId: string;
}

export interface MasterKey {
  key: Buffer;
  keyId: string;
  slot: KeySlot;
}

/**
 * Where the master key lives: the keyring when it holds one, else MCPCTL_MASTER_KEY when set, else
 * the key file when it exists. With none of them (the first secret), a new key goes to the keyring,
 * or to the key file where the keyring refuses it. MCPCTL_NO_KEYRING=1 skips the keyring.
 * `create` false: undefined instead of creating one (`daemon status` changes nothing).
 */
export async function findSlot(options: MasterKeyOptions, create: boolean): Promise<KeySlot | undefined> {
  const keyring = options.env.MCPCTL_NO_KEYRING === '1' ? undefined : await keyringSlot(options.homeId);
  if (keyring && (await keyring.read())) return keyring;
  const fromEnv = options.env[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return envSlot(fromEnv);
  const file = fileSlot(options.keyFile);
  if (await file.read()) return file;
  if (!create) return undefined;
  if (keyring) {
    try {
      await keyring.create(newKey());
      if (await keyring.read()) return keyring;
    } catch {
      // Refused (AccessDenied on a headless Linux): the key file it is.
    }
  }
  await file.create(newKey());
  return file;
}

function wrongKey(slot: KeySlot, keyId: string, stored: readonly string[]): McpctlError {
  return new McpctlError(
    'CONFIG_INVALID',
    `the master key from ${slot.where} (key id ${keyId}) is not the one the secrets were encrypted with (key id ${stored.join(', ')}); nothing was changed`,
    {
      hint:
        slot.source === 'env'
          ? `set ${MASTER_KEY_ENV} to the key the secrets were set with (or unset it to use the keyring or key file), then restart the daemon`
          : `restore the key ${slot.where} held when the secrets were set, then restart the daemon`,
    },
  );
}

/**
 * The slot's key, checked against the key ids the secrets carry. A rotation a crash interrupted
 * is finished or undone here: its pending key is promoted when the secrets are already under it
 * (the transaction committed), dropped when they are still under the old key. Anything else is a
 * wrong key: an error, and nothing is touched.
 */
export async function settleKey(slot: KeySlot, storedKeyIds: readonly string[]): Promise<MasterKey> {
  const current = await slot.read();
  const pending = await slot.readPending();
  const matches = (key: Buffer | undefined): key is Buffer =>
    key !== undefined && storedKeyIds.every((id) => id === keyIdOf(key));
  if (pending && storedKeyIds.length > 0 && matches(pending) && !matches(current)) {
    await slot.promote(pending);
    return { key: pending, keyId: keyIdOf(pending), slot };
  }
  if (!current) {
    throw new McpctlError('CONFIG_INVALID', `no master key in ${slot.where}`, {
      hint: 'restore it; the secrets cannot be read without the key they were set with',
    });
  }
  if (!matches(current)) throw wrongKey(slot, keyIdOf(current), storedKeyIds);
  if (pending) await slot.dropPending();
  return { key: current, keyId: keyIdOf(current), slot };
}

export type { KeySource };
