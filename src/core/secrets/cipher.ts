import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { McpctlError } from '../../shared/errors.js';
import type { SealedSecret } from '../../store/types.js';

/**
 * AES-256-GCM with a fresh random 96-bit nonce per write and the secret's name as associated
 * data: a ciphertext moved to another name, or altered in any bit, fails to open.
 */
export const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export type DecryptFailure = 'wrong-key' | 'malformed' | 'tampered';

/** A secret that cannot be opened, and why; never carries the key, the ciphertext or a value. */
export class SecretDecryptError extends McpctlError {
  constructor(
    readonly secret: string,
    readonly reason: DecryptFailure,
    message: string,
    hint: string,
  ) {
    super(reason === 'wrong-key' ? 'CONFIG_INVALID' : 'STORE_CORRUPT', message, { hint });
  }
}

/** Names a master key without revealing it: stored with each secret to tell a wrong key from a damaged row. */
export function keyIdOf(key: Buffer): string {
  return createHmac('sha256', key).update('mcpctl master key id v1').digest('hex').slice(0, 16);
}

export function seal(key: Buffer, name: string, value: string): SealedSecret {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(name, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { ciphertext, nonce, keyId: keyIdOf(key) };
}

/** The plain value of `sealed`, stored as the secret `name`; SecretDecryptError when it cannot be. */
export function unseal(key: Buffer, name: string, sealed: SealedSecret): string {
  if (sealed.keyId !== keyIdOf(key)) {
    throw new SecretDecryptError(
      name,
      'wrong-key',
      `the secret '${name}' was encrypted with another master key (key id ${sealed.keyId}, the current key's is ${keyIdOf(key)})`,
      'use the master key it was set with (MCPCTL_MASTER_KEY, the key file or the keyring), or set the secret again',
    );
  }
  const { ciphertext, nonce } = sealed;
  if (nonce.length !== NONCE_BYTES || ciphertext.length < TAG_BYTES) {
    throw new SecretDecryptError(
      name,
      'malformed',
      `the stored secret '${name}' is malformed`,
      `set it again with 'mcpctl secret set ${name}'`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(ciphertext.subarray(0, ciphertext.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  } catch {
    throw new SecretDecryptError(
      name,
      'tampered',
      `the stored secret '${name}' fails its integrity check (altered, or moved from another name)`,
      `set it again with 'mcpctl secret set ${name}'`,
    );
  }
}
