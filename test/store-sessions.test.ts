// The session store's contract (test/helpers/sessions-contract.ts) on SQLite and on PostgreSQL;
// "another instance" is a second connection to the same file or database.
import { SqliteSessionStore } from '../src/store/sqlite/sessions.ts';
import { PostgresSessionStore } from '../src/store/postgres/sessions.ts';
import { sessionsContract } from './helpers/sessions-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances, sqliteInstances } from './helpers/contract-fixtures.ts';

sessionsContract('SQLite', async () => {
  const { first, another, settled, close } = sqliteInstances('tekup-sessions-', (db) => new SqliteSessionStore(db));
  return { store: first, another, settled, close };
});

const pg = postgresDatabases();
sessionsContract('PostgreSQL', async () => {
  // Each instance's read cache follows the announcements, as a server's does.
  const { first, another, settled, close } = await postgresInstances(pg, (sql, changes) => new PostgresSessionStore(sql, changes), { follow: true });
  return { store: first, another, settled, close }; // the pools close after the file's tests
});
