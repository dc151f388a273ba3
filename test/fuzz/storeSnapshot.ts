import Database from 'better-sqlite3';

/**
 * Tables fuzzed input may change by design: `sessions` (the fuzz opens sessions; only the rows
 * named are compared) and an audit log, which records refused calls too. The events of sessions
 * opening and closing are left out of `events` for the same reason. `nodes` and `leases` change by
 * themselves: a heartbeat every few seconds, leases renewed.
 */
const CHANGING_TABLES = /^(sessions|audit.*|nodes|leases|sqlite_.*)$/;

export interface StoreReader {
  /**
   * Everything stored: every table in full, so a table another feature adds is covered without
   * a change here, and the rows of `comparedSessions` (sessions the fuzz never touches: one it
   * opened, even one whose initialize failed, is not among them).
   */
  snapshot(comparedSessions: ReadonlySet<string>): Record<string, string[]>;
  close(): void;
}

/** A second, read-only connection to the daemon's SQLite file (WAL lets it read beside the daemon). */
export function openStoreReader(databasePath: string): StoreReader {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  return {
    snapshot(comparedSessions) {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{
        name: string;
      }>;
      const snapshot: Record<string, string[]> = {};
      for (const { name } of tables) {
        if (CHANGING_TABLES.test(name)) continue;
        // Sorted as text: no ordering column is common to every table (WITHOUT ROWID ones included).
        const sessionEvents = name === 'events' ? " WHERE type NOT LIKE 'session-%'" : '';
        snapshot[name] = db
          .prepare(`SELECT * FROM "${name}"${sessionEvents}`)
          .all()
          .map((row) => JSON.stringify(row))
          .sort();
      }
      const sessions = db.prepare('SELECT * FROM sessions ORDER BY id').all() as Array<{ id: string }>;
      snapshot.sessions = sessions.filter((row) => comparedSessions.has(row.id)).map((row) => JSON.stringify(row));
      return snapshot;
    },
    close: () => db.close(),
  };
}

/** The store once the daemon's asynchronous writes (session records) have landed: two equal reads in a row. */
export async function settledSnapshot(
  store: StoreReader,
  comparedSessions: ReadonlySet<string>,
): Promise<Record<string, string[]>> {
  let last = store.snapshot(comparedSessions);
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const next = store.snapshot(comparedSessions);
    if (JSON.stringify(next) === JSON.stringify(last)) return next;
    last = next;
  }
  return last;
}
