// Every committed change to the rows the message path reads (users, certificates, sessions), as
// PostgreSQL itself announces them: migration 7's triggers NOTIFY in the writing transaction, so
// the announcement goes out at commit, from whichever instance, admin command or psql session
// wrote. The read caches (row-cache.ts) and the streams' session sweep follow it.
//
// Why not Redis, which carries the live events between instances: a cache that missed a
// revocation would accept the revoked certificate, and Redis may be down while the database is
// up, or never told (the admin command line writes to the database alone). The database's own
// announcement cannot miss a write it committed. While this process is not listening (the
// connection dropped, or the database is away) it may have missed some: `following` is false,
// the caches answer from the database, and they start empty once it listens again.
import { randomUUID } from 'node:crypto';
import postgres, { type Options, type Sql } from 'postgres';

export const CHANNEL = 'tekup_rows';

/** The tables announced, and the column whose value names the row. */
export const ANNOUNCED = { users: 'login', certificates: 'serial', sessions: 'token_hash' } as const;
export type AnnouncedTable = keyof typeof ANNOUNCED;

export interface RowChange {
  table: AnnouncedTable;
  op: 'INSERT' | 'UPDATE' | 'DELETE';
  key: string;
}

export interface RowChanges {
  /** True while every committed change reaches this process. */
  readonly following: boolean;
  /** Changes whenever `following` does: a read begun in one era must not be kept in another. */
  readonly era: number;
  /** Called for each change announced (this process's own included, a moment after commit). */
  onChange(fn: (c: RowChange) => void): void;
  /** Called when following starts or stops: whatever was kept may be out of date. */
  onGap(fn: () => void): void;
  /**
   * Resolves once every change committed before the call has been announced here: PostgreSQL
   * delivers a listener's notifications in commit order, so a marker sent through `sql` now comes
   * after them. For a reader that must see another instance's write (and for the tests).
   */
  caughtUp(sql: Sql): Promise<void>;
  close(): Promise<void>;
}

/** "table op key", as migration 7's trigger writes it; anything else is ignored. */
export function parseRowChange(payload: string): RowChange | undefined {
  const [table, op, ...rest] = payload.split(' ');
  if (!Object.hasOwn(ANNOUNCED, table) || (op !== 'INSERT' && op !== 'UPDATE' && op !== 'DELETE') || rest.length === 0) return undefined;
  return { table: table as AnnouncedTable, op, key: rest.join(' ') };
}

export interface FollowOptions {
  /** How long to wait before listening again after the connection dropped (ms). */
  retryMs?: number;
}

/**
 * Listens on a connection of its own (LISTEN holds it). Resolves at once, following or not: a
 * database that cannot be listened to yet only means no caching until it can.
 */
export async function followRowChanges(url: string, o: FollowOptions = {}): Promise<RowChanges> {
  const retryMs = o.retryMs ?? 500;
  const changeFns: ((c: RowChange) => void)[] = [];
  const gapFns: (() => void)[] = [];
  /** Markers on their way back, by payload: resolved on arrival, rejected if following stops. */
  const markers = new Map<string, { arrived: () => void; lost: (err: Error) => void }>();
  let following = false;
  let era = 0;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const setFollowing = (value: boolean) => {
    if (following === value) return;
    following = value;
    era++;
    if (!value) for (const m of markers.values()) m.lost(new Error('stopped following the announcements of changed rows'));
    for (const fn of gapFns) fn();
  };
  // onnotify is an option of postgres.js's connections that its types do not list.
  const options = {
    max: 1,
    idle_timeout: null,
    max_lifetime: null,
    fetch_types: false,
    onnotice: () => {},
    onnotify: (channel: string, payload: string) => {
      if (channel !== CHANNEL) return;
      const marker = markers.get(payload);
      if (marker) return marker.arrived();
      const change = parseRowChange(payload);
      if (change) for (const fn of changeFns) fn(change);
    },
    onclose: () => {
      setFollowing(false);
      schedule();
    },
  } as unknown as Options<{}>;
  const sql = postgres(url, options);

  function schedule() {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void listen();
    }, retryMs);
    retry.unref();
  }
  async function listen() {
    try {
      await sql.unsafe(`LISTEN ${CHANNEL}`);
      if (!closed) setFollowing(true);
    } catch {
      schedule();
    }
  }
  await listen();

  return {
    get following() {
      return following;
    },
    get era() {
      return era;
    },
    onChange: (fn) => void changeFns.push(fn),
    onGap: (fn) => void gapFns.push(fn),
    async caughtUp(writer) {
      if (!following) throw new Error('not following the announcements of changed rows');
      const payload = `marker ${randomUUID()}`;
      const arrived = new Promise<void>((resolve, reject) => markers.set(payload, { arrived: resolve, lost: reject }));
      arrived.catch(() => {}); // awaited below; only a failed send leaves it unawaited
      try {
        await writer`SELECT pg_notify(${CHANNEL}, ${payload})`;
        await arrived;
      } finally {
        markers.delete(payload);
      }
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      setFollowing(false);
      await sql.end({ timeout: 1 });
    },
  };
}
