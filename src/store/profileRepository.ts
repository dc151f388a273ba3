import type { Database } from 'better-sqlite3';
import { McpctlError } from '../shared/errors.js';
import { isForeignKeyViolation, isUniqueViolation } from './sqliteErrors.js';
import type { JsonObject, ProfileRepository, StoredProfile } from './types.js';

interface ProfileRow {
  name: string;
  spec: string;
  created_at: string;
  updated_at: string;
}

function toProfile(row: ProfileRow): StoredProfile {
  return {
    name: row.name,
    spec: JSON.parse(row.spec) as JsonObject,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function unknownProfile(name: string, cause?: unknown): McpctlError {
  return new McpctlError('NOT_FOUND', `no profile named '${name}'`, {
    hint: "list profiles with 'mcpctl profile ls'",
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Every write is an explicit IMMEDIATE transaction (see serverRepository.ts): its COMMIT reports a
 * refused write (disk full), which then changes nothing, and two daemons never interleave.
 */
export function createProfileRepository(db: Database): ProfileRepository {
  const listAll = db.prepare<[], ProfileRow>('SELECT * FROM profiles ORDER BY name');
  const getOne = db.prepare<[string], ProfileRow>('SELECT * FROM profiles WHERE name = ?');
  const insertOne = db.prepare<[ProfileRow], ProfileRow>(
    `INSERT INTO profiles (name, spec, created_at, updated_at)
     VALUES (@name, @spec, @created_at, @updated_at) RETURNING *`,
  );
  const updateOne = db.prepare<[{ name: string; spec: string; updated_at: string }], ProfileRow>(
    'UPDATE profiles SET spec = @spec, updated_at = @updated_at WHERE name = @name RETURNING *',
  );
  // The current_profile row goes with it through ON DELETE CASCADE.
  const removeOne = db.prepare<[string]>('DELETE FROM profiles WHERE name = ?');
  const getCurrent = db.prepare<[], { name: string }>('SELECT name FROM current_profile WHERE id = 1');
  const setCurrentOne = db.prepare<[string]>(
    'INSERT INTO current_profile (id, name) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name',
  );
  const unsetCurrent = db.prepare('DELETE FROM current_profile');

  const insertCommitted = db.transaction((row: ProfileRow): ProfileRow => insertOne.get(row) as ProfileRow);
  const updateCommitted = db.transaction(
    (rows: ReadonlyArray<{ name: string; spec: string }>, now: string): ProfileRow[] =>
      rows.map((row) => {
        const updated = updateOne.get({ ...row, updated_at: now });
        // Thrown inside the transaction: the profiles updated before it are rolled back.
        if (!updated) throw unknownProfile(row.name);
        return updated;
      }),
  );
  const removeCommitted = db.transaction((name: string): boolean => removeOne.run(name).changes > 0);
  const setCurrentCommitted = db.transaction((name: string | null): void => {
    if (name === null) unsetCurrent.run();
    else setCurrentOne.run(name);
  });

  return {
    async list() {
      return listAll.all().map(toProfile);
    },
    async get(name) {
      const row = getOne.get(name);
      return row && toProfile(row);
    },
    async insert(profile) {
      const now = new Date().toISOString();
      const row = { name: profile.name, spec: JSON.stringify(profile.spec), created_at: now, updated_at: now };
      try {
        return toProfile(insertCommitted.immediate(row));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new McpctlError('ALREADY_EXISTS', `a profile named '${profile.name}' already exists`, {
          hint: `pick another name, change it with 'mcpctl profile add|remove|set ${profile.name} ...', or remove it first with 'mcpctl profile rm ${profile.name}'`,
          cause: error,
        });
      }
    },
    async update(profiles) {
      const rows = profiles.map((profile) => ({ name: profile.name, spec: JSON.stringify(profile.spec) }));
      return updateCommitted.immediate(rows, new Date().toISOString()).map(toProfile);
    },
    async remove(name) {
      return removeCommitted.immediate(name);
    },
    async current() {
      return getCurrent.get()?.name ?? null;
    },
    async setCurrent(name) {
      try {
        setCurrentCommitted.immediate(name);
      } catch (error) {
        if (name !== null && isForeignKeyViolation(error)) throw unknownProfile(name, error);
        throw error;
      }
    },
  };
}
