// The security activity store's contract (test/helpers/activity-contract.ts) on SQLite and on
// PostgreSQL; "another instance" is a second connection to the same file or database.
import { SqliteActivity } from '../src/store/sqlite/activity.ts';
import { PostgresActivity } from '../src/store/postgres/activity.ts';
import { activityContract } from './helpers/activity-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances, sqliteInstances } from './helpers/contract-fixtures.ts';

activityContract('SQLite', async () => {
  const { first, another, close } = sqliteInstances('tekup-activity-', (db) => new SqliteActivity(db));
  return { store: first, another, close };
});

const pg = postgresDatabases();
activityContract('PostgreSQL', async () => {
  const { first, another, close } = await postgresInstances(pg, (sql) => new PostgresActivity(sql));
  return { store: first, another, close }; // the pools close after the file's tests
});
