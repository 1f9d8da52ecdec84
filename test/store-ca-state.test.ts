// The CA state's contract (test/helpers/ca-state-contract.ts) on SQLite and on PostgreSQL;
// "another instance" is a second connection to the same file or database.
import { join } from 'node:path';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteCaState } from '../src/store/sqlite/ca-state.ts';
import { PostgresCaState } from '../src/store/postgres/ca-state.ts';
import { caStateContract } from './helpers/ca-state-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { tempDir } from './helpers/server.ts';

caStateContract('SQLite', async () => {
  const file = join(tempDir('tekup-ca-state-'), 'tekup.db');
  const dbs = [openDatabase(file)];
  return {
    state: new SqliteCaState(dbs[0]),
    another: async () => new SqliteCaState(dbs[dbs.push(openDatabase(file)) - 1]),
    close: async () => dbs.forEach((db) => db.close()),
  };
});

const pg = postgresDatabases();
caStateContract('PostgreSQL', async () => {
  const { url, sql } = await pg.fresh();
  return {
    state: new PostgresCaState(sql),
    another: async () => new PostgresCaState(await pg.connect(url)),
    close: async () => {}, // the pools close after the file's tests
  };
});
