// Opens the data directory's SQLite database in WAL mode and applies each adapter's schema once.
import { DatabaseSync } from 'node:sqlite';

export type Db = DatabaseSync;

export function openDatabase(file: string): Db {
  const db = new DatabaseSync(file);
  db.exec(`PRAGMA journal_mode = WAL;
           PRAGMA synchronous = FULL;
           PRAGMA foreign_keys = ON;
           PRAGMA busy_timeout = 5000;
           CREATE TABLE IF NOT EXISTS schema_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL);`);
  return db;
}

/**
 * Brings one named schema (an adapter's tables) up to date: each step runs once, in order, in a
 * transaction with the version bump, so a crash mid-migration leaves the previous version intact.
 */
export function migrate(db: Db, name: string, steps: readonly string[]): void {
  const row = db.prepare('SELECT version FROM schema_versions WHERE name = ?').get(name) as { version: number } | undefined;
  for (let v = row?.version ?? 0; v < steps.length; v++) {
    transaction(db, () => {
      db.exec(steps[v]);
      db.prepare('INSERT INTO schema_versions (name, version) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET version = excluded.version').run(name, v + 1);
    });
  }
}

/** Runs `fn` in one IMMEDIATE transaction: all of it commits, or none of it does. */
export function transaction<T>(db: Db, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}
