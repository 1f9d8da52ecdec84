// The recovery codes' contract (test/helpers/recovery-codes-contract.ts) on SQLite and on
// PostgreSQL; "another instance" is a second connection to the same file or database.
import { join } from 'node:path';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteRecoveryCodes } from '../src/store/sqlite/recovery-codes.ts';
import { PostgresRecoveryCodes } from '../src/store/postgres/recovery-codes.ts';
import { recoveryCodesContract } from './helpers/recovery-codes-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { tempDir } from './helpers/server.ts';

recoveryCodesContract('SQLite', async () => {
  const file = join(tempDir('tekup-recovery-codes-'), 'tekup.db');
  const dbs = [openDatabase(file)];
  return {
    store: new SqliteRecoveryCodes(dbs[0]),
    another: async () => new SqliteRecoveryCodes(dbs[dbs.push(openDatabase(file)) - 1]),
    close: async () => dbs.forEach((db) => db.close()),
  };
});

const pg = postgresDatabases();
recoveryCodesContract('PostgreSQL', async () => {
  const { url, sql } = await pg.fresh();
  return {
    store: new PostgresRecoveryCodes(sql),
    another: async () => new PostgresRecoveryCodes(await pg.connect(url)),
    close: async () => {}, // the pools close after the file's tests
  };
});
