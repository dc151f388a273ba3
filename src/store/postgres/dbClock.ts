/**
 * SQL for the database's own clock in the ISO-8601 form every table keeps (milliseconds, `Z`),
 * as src/store/dbClock.ts does for SQLite: cluster times come from the database, never a node's Date.
 */
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

export const PG_NOW = `to_char(clock_timestamp() AT TIME ZONE 'UTC', ${ISO})`;

/** The database's clock shifted by the numbered parameter (milliseconds, may be negative). */
export function pgNowPlus(parameter: number): string {
  return `to_char((clock_timestamp() + $${parameter}::double precision * interval '1 millisecond') AT TIME ZONE 'UTC', ${ISO})`;
}
