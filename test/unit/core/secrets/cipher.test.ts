import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyIdOf, SecretDecryptError, seal, unseal } from '../../../../src/core/secrets/cipher.js';

/**
 * The secret store's decryption under generated and mutated inputs: a ciphertext, nonce, tag,
 * name (the associated data) or key id altered in any way never decrypts, never crashes, and
 * fails with the typed SecretDecryptError. MCPCTL_FUZZ_RUNS raises the number of runs.
 */
const RUNS = Number(process.env.MCPCTL_FUZZ_RUNS ?? 1000);
const key = randomBytes(32);
const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,40}$/);
const value = fc.string({ maxLength: 200, unit: 'grapheme' }).map((text) => `secret-value:${text}`);

function failure(run: () => unknown): SecretDecryptError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretDecryptError);
    return error as SecretDecryptError;
  }
  throw new Error('it decrypted');
}

function flip(bytes: Buffer, index: number, mask: number): Buffer {
  const copy = Buffer.from(bytes);
  const at = index % copy.length;
  copy[at] = (copy[at] as number) ^ mask;
  return copy;
}

describe('seal / unseal', () => {
  it('opens what it sealed, with a fresh nonce each time', () => {
    fc.assert(
      fc.property(name, value, (n, v) => {
        const a = seal(key, n, v);
        const b = seal(key, n, v);
        expect(unseal(key, n, a)).toBe(v);
        expect(a.nonce.equals(b.nonce)).toBe(false);
        expect(a.ciphertext.includes(Buffer.from(v))).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses any flipped bit of the ciphertext or tag', () => {
    fc.assert(
      fc.property(name, value, fc.nat(), fc.integer({ min: 1, max: 255 }), (n, v, index, mask) => {
        const sealed = seal(key, n, v);
        const error = failure(() => unseal(key, n, { ...sealed, ciphertext: flip(sealed.ciphertext, index, mask) }));
        expect(error.reason).toBe('tampered');
        expect(error.message).not.toContain(v);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses another nonce, of any length', () => {
    fc.assert(
      fc.property(name, value, fc.uint8Array({ minLength: 0, maxLength: 32 }), (n, v, bytes) => {
        const sealed = seal(key, n, v);
        const nonce = Buffer.from(bytes);
        fc.pre(!nonce.equals(sealed.nonce));
        expect(['tampered', 'malformed']).toContain(failure(() => unseal(key, n, { ...sealed, nonce })).reason);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a ciphertext moved to another name (the name is the associated data)', () => {
    fc.assert(
      fc.property(name, name, value, (n, other, v) => {
        fc.pre(n !== other);
        expect(failure(() => unseal(key, other, seal(key, n, v))).reason).toBe('tampered');
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses arbitrary bytes as a ciphertext, truncated ones as malformed', () => {
    fc.assert(
      fc.property(
        name,
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        (n, c, iv) => {
          const error = failure(() =>
            unseal(key, n, { ciphertext: Buffer.from(c), nonce: Buffer.from(iv), keyId: keyIdOf(key) }),
          );
          expect(error.reason).toBe(c.length < 16 ? 'malformed' : 'tampered');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('tells a wrong key (or a forged key id) apart, as a configuration error', () => {
    fc.assert(
      fc.property(name, value, fc.uint8Array({ minLength: 32, maxLength: 32 }), (n, v, otherKey) => {
        const other = Buffer.from(otherKey);
        fc.pre(!other.equals(key));
        const sealed = seal(key, n, v);
        const wrong = failure(() => unseal(other, n, sealed));
        expect(wrong.reason).toBe('wrong-key');
        expect(wrong.code).toBe('CONFIG_INVALID');
        // A row claiming the other key's id still fails its integrity check.
        expect(failure(() => unseal(other, n, { ...sealed, keyId: keyIdOf(other) })).reason).toBe('tampered');
      }),
      { numRuns: RUNS },
    );
  });
});
