import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A token is `mcpctl_` and 32 random bytes in base64url (256 bits, 43 characters): the prefix
 * lets secret scanners and people recognise one; only its SHA-256 is ever stored.
 */
export const TOKEN_PREFIX = 'mcpctl_';
const SECRET_BYTES = 32;
const TOKEN_SHAPE = /^mcpctl_[A-Za-z0-9_-]{43}$/;

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(SECRET_BYTES).toString('base64url')}`;
}

export function isTokenShaped(text: string): boolean {
  return TOKEN_SHAPE.test(text);
}

/** Hex SHA-256 of the whole token: what the store keeps and looks tokens up by. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time equality of two hex hashes (the lookup already matched; this guards the final check). */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/**
 * Constant-time equality of two strings of the same length (a token against the one a connection
 * presented before; behind a proxy that reuses connections, that may be another client's). The
 * length is not secret: every token has the same.
 */
export function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
