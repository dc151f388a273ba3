import { randomBytes, scryptSync } from 'node:crypto';
import { McpctlError } from '../../shared/errors.js';
import { KEY_BYTES } from './cipher.js';
import { createKeyFile, moveKeyFile, readKeyFile, removeKeyFile, replaceKeyFile } from './keyFile.js';

export const KEY_SOURCES = ['keyring', 'env', 'file'] as const;
export type KeySource = (typeof KEY_SOURCES)[number];

/**
 * One place a master key lives, with room for a pending next key: `secret rotate-key` writes the
 * new key there first, re-encrypts in one transaction, then promotes it (core/secrets/vault.ts).
 */
export interface KeySlot {
  source: KeySource;
  /** Where, for messages (a file path, the keyring entry, the variable). */
  where: string;
  read(): Promise<Buffer | undefined>;
  readPending(): Promise<Buffer | undefined>;
  /** Stores the first key; resolves to the key the slot holds afterwards. */
  create(key: Buffer): Promise<Buffer>;
  writePending(key: Buffer): Promise<void>;
  /** The pending key becomes the key. */
  promote(key: Buffer): Promise<void>;
  dropPending(): Promise<void>;
}

export const MASTER_KEY_ENV = 'MCPCTL_MASTER_KEY';

/**
 * MCPCTL_MASTER_KEY: 64 hex digits or base64 of 32 bytes is the key itself; anything else of 16
 * characters or more is a passphrase, stretched with scrypt (a fixed salt: the key must come out
 * the same on every start, and the passphrase is the secret).
 */
export function parseEnvKey(value: string): Buffer {
  const text = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const decoded = Buffer.from(text, 'base64');
  if (decoded.length === KEY_BYTES && decoded.toString('base64') === text) return decoded;
  if (text.length < 16) {
    throw new McpctlError('CONFIG_INVALID', `${MASTER_KEY_ENV} is too short to be a master key`, {
      hint: `give 64 hex digits (openssl rand -hex 32) or a passphrase of 16 characters or more`,
    });
  }
  return scryptSync(text, 'mcpctl master key v1', KEY_BYTES, { N: 1 << 14, r: 8, p: 1 });
}

function cannotRotate(): McpctlError {
  return new McpctlError(
    'INVALID_ARGUMENT',
    `the master key comes from ${MASTER_KEY_ENV}, which mcpctl cannot change`,
    {
      hint: `unset ${MASTER_KEY_ENV} to keep the key in the keyring or the key file, which 'mcpctl secret rotate-key' can rotate`,
    },
  );
}

export function envSlot(value: string): KeySlot {
  const key = parseEnvKey(value);
  return {
    source: 'env',
    where: MASTER_KEY_ENV,
    read: async () => key,
    readPending: async () => undefined,
    create: async () => key,
    writePending: async () => {
      throw cannotRotate();
    },
    promote: async () => {
      throw cannotRotate();
    },
    dropPending: async () => {},
  };
}

export function fileSlot(path: string): KeySlot {
  const pending = `${path}.next`;
  return {
    source: 'file',
    where: path,
    read: async () => readKeyFile(path),
    readPending: async () => readKeyFile(pending),
    create: async (key) => createKeyFile(path, key),
    writePending: async (key) => replaceKeyFile(pending, key),
    promote: async () => moveKeyFile(pending, path),
    dropPending: async () => removeKeyFile(pending),
  };
}

type AsyncEntry = import('@napi-rs/keyring').AsyncEntry;

/**
 * The OS keyring (macOS Keychain, Windows Credential Manager, Secret Service), one entry per
 * mcpctl home. `undefined` when the keyring cannot be used here (headless Linux: AccessDenied).
 */
export async function keyringSlot(homeId: string): Promise<KeySlot | undefined> {
  let Entry: typeof import('@napi-rs/keyring').AsyncEntry;
  try {
    ({ AsyncEntry: Entry } = await import('@napi-rs/keyring'));
  } catch {
    return undefined;
  }
  const account = `master-key:${homeId}`;
  const current: AsyncEntry = new Entry('mcpctl', account);
  const next: AsyncEntry = new Entry('mcpctl', `${account}:next`);
  const read = async (entry: AsyncEntry): Promise<Buffer | undefined> => {
    const text = await entry.getPassword();
    if (text === null || text === undefined) return undefined;
    const key = Buffer.from(text, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new McpctlError('CONFIG_INVALID', `the keyring entry mcpctl/${account} does not hold a 256-bit key`, {
        hint: 'restore it; the secrets cannot be read without the key they were set with',
      });
    }
    return key;
  };
  const slot: KeySlot = {
    source: 'keyring',
    where: `keyring entry mcpctl/${account}`,
    read: () => read(current),
    readPending: () => read(next),
    create: async (key) => {
      await current.setPassword(key.toString('base64'));
      return key;
    },
    writePending: (key) => next.setPassword(key.toString('base64')),
    promote: async (key) => {
      await current.setPassword(key.toString('base64'));
      await next.deletePassword();
    },
    dropPending: async () => {
      await next.deletePassword();
    },
  };
  try {
    // A read answers null on a keyring that refuses writes: only a stored key proves it usable.
    await slot.read();
    return slot;
  } catch (error) {
    if (error instanceof McpctlError) throw error;
    return undefined;
  }
}

export function newKey(): Buffer {
  return randomBytes(KEY_BYTES);
}
