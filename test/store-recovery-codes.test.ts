// The recovery codes' contract (test/helpers/recovery-codes-contract.ts) on SQLite and on
// PostgreSQL; "another instance" is a second connection to the same file or database.
import { SqliteRecoveryCodes } from '../src/store/sqlite/recovery-codes.ts';
import { PostgresRecoveryCodes } from '../src/store/postgres/recovery-codes.ts';
import { recoveryCodesContract } from './helpers/recovery-codes-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances, sqliteInstances } from './helpers/contract-fixtures.ts';

recoveryCodesContract('SQLite', async () => {
  const { first, another, close } = sqliteInstances('tekup-recovery-codes-', (db) => new SqliteRecoveryCodes(db));
  return { store: first, another, close };
});

const pg = postgresDatabases();
recoveryCodesContract('PostgreSQL', async () => {
  const { first, another, close } = await postgresInstances(pg, (sql) => new PostgresRecoveryCodes(sql));
  return { store: first, another, close }; // the pools close after the file's tests
});
