/**
 * SQL for the database's own clock, in the ISO-8601 form every table keeps (milliseconds, `Z`),
 * so that comparing two times as text compares them as times. Cluster times (heartbeats, leases)
 * come from here and never from a node's `Date`: two nodes agree on the database's clock even
 * when theirs are minutes apart.
 */
export const DB_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** The database's clock shifted by the bound parameter `@name` (milliseconds, may be negative). */
export function dbNowPlus(name: string): string {
  return `strftime('%Y-%m-%dT%H:%M:%fZ', 'now', printf('%+.3f seconds', @${name} / 1000.0))`;
}
