import { randomUUID } from 'node:crypto';

/** Session ids come from the CSPRNG: knowing one never helps to guess another. */
export function newSessionId(): string {
  return randomUUID();
}

/** The spec's alphabet for session ids (visible ASCII), with a length cap against abuse. */
const SESSION_ID = /^[\x21-\x7e]{1,128}$/;

export function isWellFormedSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}
