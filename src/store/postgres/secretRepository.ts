import { type SecretRow, toSecret } from '../rows.js';
import type { SealedSecret, SecretRepository, StoredSecret } from '../types.js';
import { inTransaction, type Pool } from './pool.js';

export function createSecretRepository(pool: Pool): SecretRepository {
  return {
    async list() {
      return (await pool.query<SecretRow>('SELECT * FROM secrets ORDER BY name')).rows.map(toSecret);
    },
    async get(name) {
      const row = (await pool.query<SecretRow>('SELECT * FROM secrets WHERE name = $1', [name])).rows[0];
      return row && toSecret(row);
    },
    async put(name, sealed) {
      // xmax is 0 on a row this statement inserted, the updating transaction's id on one it replaced.
      const { rows } = await pool.query<SecretRow & { created: boolean }>(
        `INSERT INTO secrets (name, ciphertext, nonce, key_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, nonce = excluded.nonce,
           key_id = excluded.key_id, updated_at = excluded.updated_at
         RETURNING *, (xmax = 0) AS created`,
        [name, sealed.ciphertext, sealed.nonce, sealed.keyId, new Date().toISOString()],
      );
      const row = rows[0] as SecretRow & { created: boolean };
      return { secret: toSecret(row), created: row.created };
    },
    async remove(name) {
      return ((await pool.query('DELETE FROM secrets WHERE name = $1', [name])).rowCount ?? 0) > 0;
    },
    async keyIds() {
      const { rows } = await pool.query<{ key_id: string }>('SELECT DISTINCT key_id FROM secrets ORDER BY key_id');
      return rows.map((row) => row.key_id);
    },
    async resealAll(reseal: (secret: StoredSecret) => SealedSecret) {
      return inTransaction(pool, async (client) => {
        // FOR UPDATE: no other writer changes a secret between its read and its reseal.
        const { rows } = await client.query<SecretRow>('SELECT * FROM secrets ORDER BY name FOR UPDATE');
        for (const row of rows) {
          const next = reseal(toSecret(row));
          await client.query('UPDATE secrets SET ciphertext = $2, nonce = $3, key_id = $4 WHERE name = $1', [
            row.name,
            next.ciphertext,
            next.nonce,
            next.keyId,
          ]);
        }
        return rows.length;
      });
    },
  };
}
