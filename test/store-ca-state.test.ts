// The CA state's contract (test/helpers/ca-state-contract.ts) on SQLite and on PostgreSQL;
// "another instance" is a second connection to the same file or database.
import { SqliteCaState } from '../src/store/sqlite/ca-state.ts';
import { PostgresCaState } from '../src/store/postgres/ca-state.ts';
import { caStateContract } from './helpers/ca-state-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances, sqliteInstances } from './helpers/contract-fixtures.ts';

caStateContract('SQLite', async () => {
  const { first, another, close } = sqliteInstances('tekup-ca-state-', (db) => new SqliteCaState(db));
  return { state: first, another, close };
});

const pg = postgresDatabases();
caStateContract('PostgreSQL', async () => {
  const { first, another, close } = await postgresInstances(pg, (sql) => new PostgresCaState(sql));
  return { state: first, another, close }; // the pools close after the file's tests
});
