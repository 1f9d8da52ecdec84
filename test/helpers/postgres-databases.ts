// One test PostgreSQL per test file (test/helpers/postgres.ts), and a fresh database on it for each
// test that asks, migrated by openPostgres as a server start does: starting a server costs
// seconds, creating a database a few tens of milliseconds. Call at the top of a test file.
import { after, before } from 'node:test';
import postgres from 'postgres';
import { openPostgres, type Sql } from '../../src/store/postgres/connect.ts';
import { followRowChanges, type RowChanges } from '../../src/store/postgres/row-changes.ts';
import { startPostgres, type Postgres } from './postgres.ts';

export interface PostgresDatabases {
  /** A new, migrated database: its URL and a pool on it (closed after the file's tests). */
  fresh(): Promise<{ url: string; sql: Sql }>;
  /** Another pool on a database, as another instance would hold (closed after the file's tests too). */
  connect(url: string): Promise<Sql>;
  /** A raw pool on a database that runs no migrations, for tests that set up a schema by hand. */
  bare(): Promise<{ url: string; sql: Sql }>;
  /**
   * One instance's feed of the row-change announcements its read caches follow, and `settled`:
   * resolves once every change committed so far reached it (closed after the file's tests).
   */
  follow(url: string): Promise<{ changes: RowChanges; settled: () => Promise<void> }>;
}

export function postgresDatabases(): PostgresDatabases {
  let pg: Postgres | undefined;
  const pools: Sql[] = [];
  const followers: RowChanges[] = [];
  let n = 0;
  before(async () => {
    pg = await startPostgres();
  });
  after(async () => {
    await Promise.all(followers.map((f) => f.close()));
    await Promise.all(pools.map((p) => p.end({ timeout: 1 })));
    await pg?.stop();
  });

  const create = async (): Promise<string> => {
    if (!pg) throw new Error('postgresDatabases(): the server is not started (call it at the top of the test file)');
    const name = `t${++n}`;
    const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    return pg.url.replace(/\/[^/]+$/, `/${name}`);
  };
  const keep = (sql: Sql) => (pools.push(sql), sql);
  const connect = async (url: string) => keep(await openPostgres(url, { max: 4 }));

  return {
    async fresh() {
      const url = await create();
      return { url, sql: await connect(url) };
    },
    connect,
    async follow(url) {
      const changes = await followRowChanges(url);
      followers.push(changes);
      const marker = await connect(url);
      return { changes, settled: () => changes.caughtUp(marker) };
    },
    async bare() {
      const url = await create();
      return { url, sql: keep(postgres(url, { max: 2, onnotice: () => {} })) };
    },
  };
}
