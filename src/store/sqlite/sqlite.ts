// Opens the data directory's SQLite database in WAL mode and applies each adapter's schema once.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { close, fdatasync, open } from 'node:fs';
import { promisify } from 'node:util';

export type Db = DatabaseSync;

// synchronous=NORMAL: a commit writes its WAL frames but does not wait for the disk. Nothing
// committed is lost when the process dies (kill -9 included); only a power cut or a kernel crash
// could lose the last commits, and every write whose answer promises durability awaits
// `durable(db)` first. node:sqlite is synchronous, so with FULL each commit's fsync (0.3 ms on an
// idle disk, ten times that on a busy one) would stall the event loop and everything on it.
export function openDatabase(file: string): Db {
  const db = new DatabaseSync(file);
  db.exec(`PRAGMA journal_mode = WAL;
           PRAGMA synchronous = NORMAL;
           PRAGMA foreign_keys = ON;
           PRAGMA busy_timeout = 5000;
           CREATE TABLE IF NOT EXISTS schema_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL);`);
  return db;
}

const statements = new WeakMap<Db, Map<string, StatementSync>>();

/**
 * The prepared statement for `sql` on `db`, compiled once and reused: compiling costs more than
 * running the point queries a request makes (session, certificate and user look-ups).
 */
export function prepared(db: Db, sql: string): StatementSync {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
  return stmt;
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

const openFile = promisify(open);
const syncFile = promisify(fdatasync);

// The WAL's descriptor is kept for the life of its database; closed when the connection object is
// collected (SQLite locks the database and -shm files, never the -wal file, so a descriptor of our
// own disturbs nothing).
const descriptors = new FinalizationRegistry<{ fd?: number }>((held) => held.fd !== undefined && close(held.fd, () => {}));

class WalSync {
  private readonly wal: string;
  private readonly changes: StatementSync;
  private readonly held: { fd?: number } = {};
  /** total_changes() when the last completed sync started: everything up to it is on disk. */
  private synced = -1;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(db: Db, file: string) {
    this.wal = `${file}-wal`;
    this.changes = db.prepare('SELECT total_changes() AS n');
    descriptors.register(db, this.held);
  }

  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.flush().finally(() => (this.running = undefined));
      return this.running;
    }
    // The sync under way may have started before the caller's commit: wait for the one after it,
    // which every caller arriving meanwhile shares.
    this.next ??= this.running.then(
      () => ((this.next = undefined), this.sync()),
      () => ((this.next = undefined), this.sync()),
    );
    return this.next;
  }

  private async flush(): Promise<void> {
    // Nothing written since the last sync (a request that only read): nothing to wait for.
    const mark = Number((this.changes.get() as { n: number }).n);
    if (mark === this.synced) return;
    if (this.held.fd === undefined) {
      try {
        this.held.fd = await openFile(this.wal, 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // nothing written in WAL mode yet
        throw err;
      }
    }
    await syncFile(this.held.fd);
    this.synced = mark;
  }
}

const syncs = new WeakMap<Db, WalSync>();

/**
 * Resolves once every transaction committed so far on `db` is on disk: an fdatasync of the WAL on
 * libuv's thread pool, off the event loop. Callers arriving while a sync runs share the next one,
 * so a burst of commits costs one or two syncs (a group commit).
 */
export function durable(db: Db): Promise<void> {
  let s = syncs.get(db);
  if (!s) {
    const file = db.location();
    if (!file) return Promise.resolve(); // in memory: nothing to sync
    syncs.set(db, (s = new WalSync(db, file)));
  }
  return s.sync();
}
