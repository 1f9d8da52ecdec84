// The session store's contract (test/helpers/sessions-contract.ts) on SQLite and on PostgreSQL;
// "another instance" is a second connection to the same file or database.
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteSessionStore } from '../src/store/sqlite/sessions.ts';
import { PostgresSessionStore } from '../src/store/postgres/sessions.ts';
import { sessionsContract } from './helpers/sessions-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { tempDir } from './helpers/server.ts';

sessionsContract('SQLite', async () => {
  const file = join(tempDir('tekup-sessions-'), 'tekup.db');
  const dbs = [openDatabase(file)];
  return {
    store: new SqliteSessionStore(dbs[0]),
    settled: () => nextTurn(),
    another: async () => new SqliteSessionStore(dbs[dbs.push(openDatabase(file)) - 1]),
    close: async () => dbs.forEach((db) => db.close()),
  };
});

const pg = postgresDatabases();
sessionsContract('PostgreSQL', async () => {
  const { url, sql } = await pg.fresh();
  // Each instance's read cache follows the announcements, as a server's does.
  const here = await pg.follow(url);
  const followers = [here];
  return {
    store: new PostgresSessionStore(sql, here.changes),
    another: async () => {
      const there = await pg.follow(url);
      followers.push(there);
      return new PostgresSessionStore(await pg.connect(url), there.changes);
    },
    settled: async () => void (await Promise.all(followers.map((f) => f.settled()))),
    close: async () => {}, // the pools close after the file's tests
  };
});
