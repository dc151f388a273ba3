import type { Database } from 'better-sqlite3';
import { type SecretRow, toSecret } from './rows.js';
import type { SealedSecret, SecretRepository, StoredSecret } from './types.js';

/** Every write is an explicit IMMEDIATE transaction (see serverRepository.ts): COMMIT reports a refused write. */
export function createSecretRepository(db: Database): SecretRepository {
  const listAll = db.prepare<[], SecretRow>('SELECT * FROM secrets ORDER BY name');
  const getOne = db.prepare<[string], SecretRow>('SELECT * FROM secrets WHERE name = ?');
  const upsert = db.prepare<[SecretRow], SecretRow>(
    `INSERT INTO secrets (name, ciphertext, nonce, key_id, created_at, updated_at)
     VALUES (@name, @ciphertext, @nonce, @key_id, @created_at, @updated_at)
     ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, nonce = excluded.nonce,
       key_id = excluded.key_id, updated_at = excluded.updated_at
     RETURNING *`,
  );
  const removeOne = db.prepare<[string]>('DELETE FROM secrets WHERE name = ?');
  const distinctKeys = db.prepare<[], { key_id: string }>('SELECT DISTINCT key_id FROM secrets ORDER BY key_id');
  const updateSealed = db.prepare<[{ name: string; ciphertext: Buffer; nonce: Buffer; key_id: string }]>(
    'UPDATE secrets SET ciphertext = @ciphertext, nonce = @nonce, key_id = @key_id WHERE name = @name',
  );

  const putCommitted = db.transaction((row: SecretRow): { row: SecretRow; created: boolean } => {
    const existed = getOne.get(row.name) !== undefined;
    return { row: upsert.get(row) as SecretRow, created: !existed };
  });
  const removeCommitted = db.transaction((name: string): boolean => removeOne.run(name).changes > 0);
  const resealCommitted = db.transaction((reseal: (secret: StoredSecret) => SealedSecret): number => {
    const rows = listAll.all();
    for (const row of rows) {
      const sealed = reseal(toSecret(row));
      updateSealed.run({ name: row.name, ciphertext: sealed.ciphertext, nonce: sealed.nonce, key_id: sealed.keyId });
    }
    return rows.length;
  });

  return {
    async list() {
      return listAll.all().map(toSecret);
    },
    async get(name) {
      const row = getOne.get(name);
      return row && toSecret(row);
    },
    async put(name, sealed) {
      const now = new Date().toISOString();
      const { row, created } = putCommitted.immediate({
        name,
        ciphertext: sealed.ciphertext,
        nonce: sealed.nonce,
        key_id: sealed.keyId,
        created_at: now,
        updated_at: now,
      });
      return { secret: toSecret(row), created };
    },
    async remove(name) {
      return removeCommitted.immediate(name);
    },
    async keyIds() {
      return distinctKeys.all().map((row) => row.key_id);
    },
    async resealAll(reseal) {
      return resealCommitted.immediate(reseal);
    },
  };
}
