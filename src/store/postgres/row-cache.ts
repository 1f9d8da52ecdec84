// Rows that every request reads again (its session, its certificate record, the sender and the
// recipient), kept in memory for as long as PostgreSQL announces no change to them. On the message
// path each is otherwise a round trip; a message needed five, and each event written to a stream
// two more (src/chat/streams.ts asks whether its session still holds).
//
// A row is kept only while the process follows the announcements (row-changes.ts), and only if no
// change to it was announced, or made here, while it was being read: the read may have seen the
// row before that change. This process's own writes forget their rows at once (`forget`), without
// waiting for their announcement to come back.
import type { RowChanges, AnnouncedTable } from './row-changes.ts';

const MAX_ENTRIES = 10_000;

interface Loading<T> {
  promise: Promise<T | undefined>;
  /** Set when the row changed during the read: its answer is returned but not kept. */
  outdated: boolean;
}

export class RowCache<T> {
  private readonly changes: RowChanges;
  private readonly entries = new Map<string, T | undefined>();
  private readonly loading = new Map<string, Loading<T>>();

  /**
   * `keyedBy: 'table'` for values read by something else than the row's key (a login's
   * certificates): any change announced on the table forgets them all.
   */
  constructor(changes: RowChanges, table: AnnouncedTable, keyedBy: 'row' | 'table' = 'row') {
    this.changes = changes;
    changes.onChange((c) => {
      if (c.table !== table) return;
      if (keyedBy === 'row') this.forget(c.key);
      else this.forgetAll();
    });
    changes.onGap(() => this.forgetAll());
  }

  /** The row named `key`: from memory while unchanged since it was read, else `load()`. */
  get(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    if (!this.changes.following) return load();
    if (this.entries.has(key)) return Promise.resolve(this.entries.get(key));
    // Requests that want the same row at once share one read.
    const pending = this.loading.get(key);
    if (pending) return pending.promise;
    const era = this.changes.era;
    const l: Loading<T> = { promise: undefined as unknown as Promise<T | undefined>, outdated: false };
    l.promise = load().then(
      (value) => {
        if (this.loading.get(key) === l) this.loading.delete(key);
        if (!l.outdated && this.changes.era === era && this.changes.following) {
          if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
          // Frozen: one object now answers many callers, and none may change it for the others.
          this.entries.set(key, value === undefined ? value : Object.freeze(value));
        }
        return value;
      },
      (err: unknown) => {
        if (this.loading.get(key) === l) this.loading.delete(key);
        throw err;
      },
    );
    this.loading.set(key, l);
    return l.promise;
  }

  /** The row changed: read it again next time, and keep no read of it already under way. */
  forget(key: string): void {
    this.entries.delete(key);
    const l = this.loading.get(key);
    if (l) {
      l.outdated = true;
      this.loading.delete(key);
    }
  }

  forgetAll(): void {
    this.entries.clear();
    for (const l of this.loading.values()) l.outdated = true;
    this.loading.clear();
  }
}
