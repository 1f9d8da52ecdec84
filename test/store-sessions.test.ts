// The session store's contract (test/helpers/sessions-contract.ts) on SQLite and on PostgreSQL;
// "another instance" is a second connection to the same file or database.
import { join } from 'node:path';
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
    another: async () => new SqliteSessionStore(dbs[dbs.push(openDatabase(file)) - 1]),
    close: async () => dbs.forEach((db) => db.close()),
  };
});

const pg = postgresDatabases();
sessionsContract('PostgreSQL', async () => {
  const { url, sql } = await pg.fresh();
  return {
    store: new PostgresSessionStore(sql),
    another: async () => new PostgresSessionStore(await pg.connect(url)),
    close: async () => {}, // the pools close after the file's tests
  };
});
