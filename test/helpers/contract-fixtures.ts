// What every storage contract suite (test/helpers/*-contract.ts) does with the fixtures its
// adapter's factory opens: a fresh one for each test, all of them closed once the suite is done,
// whatever the test's outcome. Kept here once so that the suites cannot come to differ in it; the
// pools a fixture borrows from postgresDatabases() (./postgres-databases.ts) close after the file.
// And what those factories (test/store-*.test.ts) would otherwise each repeat: an adapter's
// instances over one storage, a SQLite file or a PostgreSQL database, each through connections of
// its own, as the server processes sharing that storage hold them.
import { after } from 'node:test';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { openDatabase, type Db } from '../../src/store/sqlite/sqlite.ts';
import type { Sql } from '../../src/store/postgres/connect.ts';
import type { RowChanges } from '../../src/store/postgres/row-changes.ts';
import type { PostgresDatabases } from './postgres-databases.ts';
import { tempDir } from './server.ts';

interface Closable {
  close(): Promise<void>;
}

/**
 * Call inside the suite's describe(): `keep(x)` answers `x` and has it closed after the suite, in
 * the order kept, for what a test opens besides its fixture (another instance's store).
 */
export function closedAfterSuite(): <T extends Closable>(x: T) => T {
  const open: Closable[] = [];
  after(async () => {
    for (const x of open) await x.close();
  });
  return (x) => (open.push(x), x);
}

/** Call inside the suite's describe(): `factory`, each fixture it opens closed after the suite. */
export function freshFixtures<F extends Closable>(factory: () => Promise<F>): () => Promise<F> {
  const keep = closedAfterSuite();
  return async () => keep(await factory());
}

/**
 * The instances a fixture hands out over one storage: `first`, and `another()` through
 * connections of its own, as another server process (or the admin command line) would hold.
 */
export interface Instances<T> {
  first: T;
  another(): Promise<T>;
  /**
   * Resolves once what any instance wrote is visible to the others: the next turn of the event
   * loop on SQLite, every instance's read caches caught up with PostgreSQL's announcements when
   * they follow them, at once when they do not (each read then goes to the database).
   */
  settled(): Promise<void>;
  /**
   * Closes each instance (the `close` option), in the order opened, and on SQLite its connection
   * after it; PostgreSQL's pools and followers close after the file's tests.
   */
  close(): Promise<void>;
}

interface InstanceOptions<T> {
  /** Closes an instance before its connection is: for adapters with work in flight (a writer). */
  close?: (instance: T) => Promise<void>;
}

/**
 * Instances over a SQLite file of their own (tekup.db in a new directory `prefix`…), a connection
 * each. `make` may answer the connection itself, `(db) => db`, for a fixture that builds more on
 * its first connection than on the others (so with postgresInstances and its pools).
 */
export function sqliteInstances<T>(prefix: string, make: (db: Db) => T, o: InstanceOptions<T> = {}): Instances<T> {
  const file = join(tempDir(prefix), 'tekup.db');
  const opened: { db: Db; instance: T }[] = [];
  const open = () => {
    const db = openDatabase(file);
    const instance = make(db);
    opened.push({ db, instance });
    return instance;
  };
  return {
    first: open(),
    another: async () => open(),
    settled: () => nextTurn(),
    close: async () => {
      for (const { db, instance } of opened) {
        await o.close?.(instance);
        db.close();
      }
    },
  };
}

/**
 * Instances over a fresh PostgreSQL database (`pg.fresh()`), a pool each; with `follow`, each
 * also follows the announcements of changed rows (`pg.follow`) that its read caches take, as a
 * server's do. The pools and followers close after the file's tests, not in `close`.
 */
export function postgresInstances<T>(pg: PostgresDatabases, make: (sql: Sql) => T, o?: InstanceOptions<T> & { follow?: false }): Promise<Instances<T>>;
export function postgresInstances<T>(pg: PostgresDatabases, make: (sql: Sql, changes: RowChanges) => T, o: InstanceOptions<T> & { follow: true }): Promise<Instances<T>>;
export async function postgresInstances<T>(
  pg: PostgresDatabases,
  make: (sql: Sql, changes: RowChanges) => T,
  o: InstanceOptions<T> & { follow?: boolean } = {},
): Promise<Instances<T>> {
  const { url, sql } = await pg.fresh();
  const followers: { settled(): Promise<void> }[] = [];
  const instances: T[] = [];
  const open = async (pool?: Sql) => {
    let changes: RowChanges | undefined;
    if (o.follow) {
      const follower = await pg.follow(url);
      followers.push(follower);
      changes = follower.changes;
    }
    // Without `follow`, make takes the pool alone (the overloads above): no changes to pass.
    const instance = make(pool ?? (await pg.connect(url)), changes as RowChanges);
    instances.push(instance);
    return instance;
  };
  return {
    first: await open(sql),
    another: () => open(),
    settled: async () => void (await Promise.all(followers.map((f) => f.settled()))),
    close: async () => {
      for (const instance of instances) await o.close?.(instance);
    },
  };
}
