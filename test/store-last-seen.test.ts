// The last-seen store's contract (test/helpers/last-seen-contract.ts) on SQLite and on PostgreSQL;
// "another instance" is a second connection to the same file or database.
import { SqliteLastSeen } from '../src/store/sqlite/last-seen.ts';
import { PostgresLastSeen } from '../src/store/postgres/last-seen.ts';
import { lastSeenContract } from './helpers/last-seen-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances, sqliteInstances } from './helpers/contract-fixtures.ts';

lastSeenContract('SQLite', async () => {
  const { first, another, close } = sqliteInstances('tekup-last-seen-', (db) => new SqliteLastSeen(db));
  return { store: first, another, close };
});

const pg = postgresDatabases();
lastSeenContract('PostgreSQL', async () => {
  const { first, another, close } = await postgresInstances(pg, (sql) => new PostgresLastSeen(sql));
  return { store: first, another, close }; // the pools close after the file's tests
});
