// Rows that every request reads again (its session, its certificate record, the sender and the
// recipient in the directory) kept in memory for as long as nobody writes their table. Under load
// each SQLite statement costs 5–15 µs, mostly opening and closing its read transaction, and a
// message needed five of them.
//
// "Nobody" includes other processes: the admin command line revokes certificates and the operator
// may use the sqlite3 shell. So the signal is in the database itself: triggers count every write
// to the table, whoever makes it, in the same transaction as the write. The counters are read once
// per turn of the event loop, which serves every request that turn handles; this process's own
// writes (`changed`) make the next read look again at once.
import { migrate, prepared, type Db } from './sqlite.ts';

const MAX_ENTRIES = 10_000;

/** Installs the write counter of `table` (once per database). */
function countWrites(db: Db, table: string): void {
  migrate(db, `write_counter_${table}`, [
    `CREATE TABLE IF NOT EXISTS write_counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
     INSERT INTO write_counters (name, n) VALUES ('${table}', 0);
     ${['INSERT', 'UPDATE', 'DELETE']
       .map(
         (op) => `CREATE TRIGGER ${table}_count_${op.toLowerCase()} AFTER ${op} ON ${table}
                  BEGIN UPDATE write_counters SET n = n + 1 WHERE name = '${table}'; END;`,
       )
       .join('\n')}`,
  ]);
}

/** The write counters of one database, read at most once per turn. */
class WriteCounters {
  private readonly db: Db;
  private values = new Map<string, number>();
  private fresh = false;
  constructor(db: Db) {
    this.db = db;
  }
  of(table: string): number | undefined {
    if (!this.fresh) {
      const rows = prepared(this.db, 'SELECT name, n FROM write_counters').all() as { name: string; n: number }[];
      this.values = new Map(rows.map((r) => [r.name, Number(r.n)]));
      this.fresh = true;
      setImmediate(() => (this.fresh = false));
    }
    return this.values.get(table);
  }
  stale(): void {
    this.fresh = false;
  }
}

const countersOf = new WeakMap<Db, WriteCounters>();

export class ReadCache<T> {
  private readonly db: Db;
  private readonly table: string;
  private readonly counters: WriteCounters;
  private readonly entries = new Map<string, T | undefined>();
  private seen: number | undefined;

  /** `table` is a fixed identifier of ours, never input. */
  constructor(db: Db, table: string) {
    this.db = db;
    this.table = table;
    countWrites(db, table);
    let counters = countersOf.get(db);
    if (!counters) countersOf.set(db, (counters = new WriteCounters(db)));
    this.counters = counters;
  }

  /** The value for `key`: from memory while `table` is unchanged since it was read, else `load()`. */
  get(key: string, load: () => T | undefined): T | undefined {
    // Inside a transaction the rows read may yet be rolled back: never remember them.
    if (this.db.isTransaction) return load();
    const n = this.counters.of(this.table);
    if (n === undefined) return load(); // someone removed the counter: no way to know what changed
    if (n !== this.seen) {
      this.entries.clear();
      this.seen = n;
    } else if (this.entries.has(key)) {
      return this.entries.get(key);
    }
    const value = load();
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    // Frozen: one object now answers many callers, and none may change it for the others.
    this.entries.set(key, value === undefined ? value : Object.freeze(value));
    return value;
  }

  /** Call after writing the table: the next read looks at the counters again. */
  changed(): void {
    this.counters.stale();
  }
}
