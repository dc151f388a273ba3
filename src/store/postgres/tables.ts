/**
 * Every table of the PostgreSQL store, parents before children (a restore inserts in this order).
 * A migration step that adds a table adds its name here too (test/integration/postgresBackup.test.ts
 * compares this list with the database's catalog).
 */
export const POSTGRES_TABLES = [
  'servers',
  'instances',
  'events',
  'sessions',
  'profiles',
  'current_profile',
  'alerts',
  'secrets',
  'audit',
  'tokens',
  'nodes',
  'leases',
] as const;
