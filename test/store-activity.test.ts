// The security activity store's contract (test/helpers/activity-contract.ts) on SQLite and on
// PostgreSQL; "another instance" is a second connection to the same file or database.
import { join } from 'node:path';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteActivity } from '../src/store/sqlite/activity.ts';
import { PostgresActivity } from '../src/store/postgres/activity.ts';
import { activityContract } from './helpers/activity-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { tempDir } from './helpers/server.ts';

activityContract('SQLite', async () => {
  const file = join(tempDir('tekup-activity-'), 'tekup.db');
  const dbs = [openDatabase(file)];
  return {
    store: new SqliteActivity(dbs[0]),
    another: async () => new SqliteActivity(dbs[dbs.push(openDatabase(file)) - 1]),
    close: async () => dbs.forEach((db) => db.close()),
  };
});

const pg = postgresDatabases();
activityContract('PostgreSQL', async () => {
  const { url, sql } = await pg.fresh();
  return {
    store: new PostgresActivity(sql),
    another: async () => new PostgresActivity(await pg.connect(url)),
    close: async () => {}, // the pools close after the file's tests
  };
});
