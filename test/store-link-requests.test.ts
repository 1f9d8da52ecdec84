// The device-link requests' contract (test/helpers/link-requests-contract.ts) on SQLite and on
// PostgreSQL, and on the in-memory fake the unit tests use; "another instance" is a second
// connection to the same file or database (the same object for the fake: one process's memory).
import { SqliteLinkRequests } from '../src/store/sqlite/link-requests.ts';
import { PostgresLinkRequests } from '../src/store/postgres/link-requests.ts';
import { FakeLinkRequests } from './fakes/link-requests.ts';
import { linkRequestsContract } from './helpers/link-requests-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances, sqliteInstances } from './helpers/contract-fixtures.ts';

linkRequestsContract('SQLite', async () => {
  const { first, another, close } = sqliteInstances('tekup-link-requests-', (db) => new SqliteLinkRequests(db));
  return { store: first, another, close };
});

const pg = postgresDatabases();
linkRequestsContract('PostgreSQL', async () => {
  const { first, another, close } = await postgresInstances(pg, (sql) => new PostgresLinkRequests(sql));
  return { store: first, another, close }; // the pools close after the file's tests
});

linkRequestsContract('in-memory fake', async () => {
  const store = new FakeLinkRequests();
  return { store, another: async () => store, close: async () => {} };
});
