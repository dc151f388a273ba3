import { McpctlError } from '../../shared/errors.js';
import type { StoredToken, TokenRepository } from '../types.js';
import { isUniqueViolation } from './pgErrors.js';
import type { Pool } from './pool.js';

interface TokenRow {
  name: string;
  hash: string;
  role: string;
  scope: StoredToken['scope'];
  read_only: boolean;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

function toToken(row: TokenRow): StoredToken {
  return {
    name: row.name,
    hash: row.hash,
    role: row.role,
    scope: row.scope,
    readOnly: row.read_only,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}

export function createTokenRepository(pool: Pool): TokenRepository {
  return {
    async list() {
      return (await pool.query<TokenRow>('SELECT * FROM tokens ORDER BY name')).rows.map(toToken);
    },
    async insert(token) {
      try {
        const { rows } = await pool.query<TokenRow>(
          `INSERT INTO tokens (name, hash, role, scope, read_only, created_at, expires_at, last_used_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, NULL) RETURNING *`,
          [
            token.name,
            token.hash,
            token.role,
            token.scope === null ? null : JSON.stringify(token.scope),
            token.readOnly,
            new Date().toISOString(),
            token.expiresAt,
          ],
        );
        return toToken(rows[0] as TokenRow);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new McpctlError('ALREADY_EXISTS', `a token named '${token.name}' already exists`, {
          hint: `pick another name, or revoke it first with 'mcpctl token revoke ${token.name}'`,
          cause: error,
        });
      }
    },
    async remove(name) {
      return ((await pool.query('DELETE FROM tokens WHERE name = $1', [name])).rowCount ?? 0) > 0;
    },
    async touch(name, time) {
      await pool.query('UPDATE tokens SET last_used_at = $1 WHERE name = $2', [time, name]);
    },
  };
}
