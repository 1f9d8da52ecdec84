// The last-seen store's contract (test/helpers/last-seen-contract.ts) on SQLite and on PostgreSQL;
// "another instance" is a second connection to the same file or database.
import { join } from 'node:path';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteLastSeen } from '../src/store/sqlite/last-seen.ts';
import { PostgresLastSeen } from '../src/store/postgres/last-seen.ts';
import { lastSeenContract } from './helpers/last-seen-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { tempDir } from './helpers/server.ts';

lastSeenContract('SQLite', async () => {
  const file = join(tempDir('tekup-last-seen-'), 'tekup.db');
  const dbs = [openDatabase(file)];
  return {
    store: new SqliteLastSeen(dbs[0]),
    another: async () => new SqliteLastSeen(dbs[dbs.push(openDatabase(file)) - 1]),
    close: async () => dbs.forEach((db) => db.close()),
  };
});

const pg = postgresDatabases();
lastSeenContract('PostgreSQL', async () => {
  const { url, sql } = await pg.fresh();
  return {
    store: new PostgresLastSeen(sql),
    another: async () => new PostgresLastSeen(await pg.connect(url)),
    close: async () => {}, // the pools close after the file's tests
  };
});
