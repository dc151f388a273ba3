import type { Database } from 'better-sqlite3';
import { McpctlError } from '../shared/errors.js';
import { isUniqueViolation } from './sqliteErrors.js';
import type { StoredToken, TokenRepository } from './types.js';

interface TokenRow {
  name: string;
  hash: string;
  role: string;
  scope: string | null;
  read_only: number;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

function toToken(row: TokenRow): StoredToken {
  return {
    name: row.name,
    hash: row.hash,
    role: row.role,
    scope: row.scope === null ? null : (JSON.parse(row.scope) as StoredToken['scope']),
    readOnly: row.read_only === 1,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}

/** Writes are IMMEDIATE transactions like the other repositories (serverRepository.ts says why). */
export function createTokenRepository(db: Database): TokenRepository {
  const listAll = db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY name');
  const insertOne = db.prepare<[TokenRow], TokenRow>(
    `INSERT INTO tokens (name, hash, role, scope, read_only, created_at, expires_at, last_used_at)
     VALUES (@name, @hash, @role, @scope, @read_only, @created_at, @expires_at, @last_used_at) RETURNING *`,
  );
  const removeOne = db.prepare<[string]>('DELETE FROM tokens WHERE name = ?');
  const touchOne = db.prepare<[string, string]>('UPDATE tokens SET last_used_at = ? WHERE name = ?');
  const insertCommitted = db.transaction((row: TokenRow): TokenRow => insertOne.get(row) as TokenRow);
  const removeCommitted = db.transaction((name: string): boolean => removeOne.run(name).changes > 0);
  const touchCommitted = db.transaction((name: string, time: string): void => {
    touchOne.run(time, name);
  });

  return {
    async list() {
      return listAll.all().map(toToken);
    },
    async insert(token) {
      const row: TokenRow = {
        name: token.name,
        hash: token.hash,
        role: token.role,
        scope: token.scope === null ? null : JSON.stringify(token.scope),
        read_only: token.readOnly ? 1 : 0,
        created_at: new Date().toISOString(),
        expires_at: token.expiresAt,
        last_used_at: null,
      };
      try {
        return toToken(insertCommitted.immediate(row));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new McpctlError('ALREADY_EXISTS', `a token named '${token.name}' already exists`, {
          hint: `pick another name, or revoke it first with 'mcpctl token revoke ${token.name}'`,
          cause: error,
        });
      }
    },
    async remove(name) {
      return removeCommitted.immediate(name);
    },
    async touch(name, time) {
      touchCommitted.immediate(name, time);
    },
  };
}
