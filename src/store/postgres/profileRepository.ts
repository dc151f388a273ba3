import { McpctlError } from '../../shared/errors.js';
import type { JsonObject, ProfileRepository, StoredProfile } from '../types.js';
import { isForeignKeyViolation, isUniqueViolation } from './pgErrors.js';
import { inTransaction, type Pool } from './pool.js';

interface ProfileRow {
  name: string;
  spec: JsonObject;
  created_at: string;
  updated_at: string;
}

function toProfile(row: ProfileRow): StoredProfile {
  return { name: row.name, spec: row.spec, createdAt: row.created_at, updatedAt: row.updated_at };
}

function unknownProfile(name: string, cause?: unknown): McpctlError {
  return new McpctlError('NOT_FOUND', `no profile named '${name}'`, {
    hint: "list profiles with 'mcpctl profile ls'",
    ...(cause === undefined ? {} : { cause }),
  });
}

export function createProfileRepository(pool: Pool): ProfileRepository {
  return {
    async list() {
      return (await pool.query<ProfileRow>('SELECT * FROM profiles ORDER BY name')).rows.map(toProfile);
    },
    async get(name) {
      const row = (await pool.query<ProfileRow>('SELECT * FROM profiles WHERE name = $1', [name])).rows[0];
      return row && toProfile(row);
    },
    async insert(profile) {
      try {
        const { rows } = await pool.query<ProfileRow>(
          'INSERT INTO profiles (name, spec, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING *',
          [profile.name, JSON.stringify(profile.spec), new Date().toISOString()],
        );
        return toProfile(rows[0] as ProfileRow);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new McpctlError('ALREADY_EXISTS', `a profile named '${profile.name}' already exists`, {
          hint: `pick another name, change it with 'mcpctl profile add|remove|set ${profile.name} ...', or remove it first with 'mcpctl profile rm ${profile.name}'`,
          cause: error,
        });
      }
    },
    async update(profiles) {
      const now = new Date().toISOString();
      const rows = await inTransaction(pool, async (client) => {
        const updated: ProfileRow[] = [];
        for (const profile of profiles) {
          const {
            rows: [row],
          } = await client.query<ProfileRow>(
            'UPDATE profiles SET spec = $2, updated_at = $3 WHERE name = $1 RETURNING *',
            [profile.name, JSON.stringify(profile.spec), now],
          );
          // Thrown inside the transaction: the profiles updated before it are rolled back.
          if (!row) throw unknownProfile(profile.name);
          updated.push(row);
        }
        return updated;
      });
      return rows.map(toProfile);
    },
    async remove(name) {
      // The current_profile row goes with it through ON DELETE CASCADE.
      return ((await pool.query('DELETE FROM profiles WHERE name = $1', [name])).rowCount ?? 0) > 0;
    },
    async current() {
      const { rows } = await pool.query<{ name: string }>('SELECT name FROM current_profile WHERE id = 1');
      return rows[0]?.name ?? null;
    },
    async setCurrent(name) {
      if (name === null) {
        await pool.query('DELETE FROM current_profile');
        return;
      }
      try {
        await pool.query(
          'INSERT INTO current_profile (id, name) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET name = excluded.name',
          [name],
        );
      } catch (error) {
        if (isForeignKeyViolation(error)) throw unknownProfile(name, error);
        throw error;
      }
    },
  };
}
