// The group store's contract (test/helpers/groups-contract.ts) on SQLite and on PostgreSQL, and on
// the in-memory fake the unit tests use; "another instance" is a second connection to the same file
// or database (the same object for the fake: one process's memory).
import { SqliteGroupStore } from '../src/store/sqlite/groups.ts';
import { PostgresGroupStore } from '../src/store/postgres/groups.ts';
import { FakeGroupStore } from './fakes/groups.ts';
import { groupsContract } from './helpers/groups-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances, sqliteInstances } from './helpers/contract-fixtures.ts';

groupsContract('SQLite', async () => {
  const { first, another, close } = sqliteInstances('tekup-groups-', (db) => new SqliteGroupStore(db));
  return { store: first, another, close };
});

const pg = postgresDatabases();
groupsContract('PostgreSQL', async () => {
  const { first, another, close } = await postgresInstances(pg, (sql) => new PostgresGroupStore(sql));
  return { store: first, another, close }; // the pools close after the file's tests
});

groupsContract('in-memory fake', async () => {
  const store = new FakeGroupStore();
  return { store, another: async () => store, close: async () => {} };
});
