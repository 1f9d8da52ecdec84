// The message store's contract (test/helpers/messages-contract.ts) on SQLite and on PostgreSQL;
// "another instance" is a second connection to the same file (with a writer of its own) or a
// second pool on the same database.
import { SqliteMessageStore } from '../src/store/sqlite/messages.ts';
import { PostgresMessageStore } from '../src/store/postgres/messages.ts';
import { messagesContract } from './helpers/messages-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances, sqliteInstances } from './helpers/contract-fixtures.ts';

messagesContract('SQLite', async () => {
  const { first, another, close } = sqliteInstances('tekup-messages-', (db) => new SqliteMessageStore(db), { close: (store) => store.close() });
  return { store: first, another, close };
});

const pg = postgresDatabases();
messagesContract('PostgreSQL', async () => {
  const { first, another, close } = await postgresInstances(pg, (sql) => new PostgresMessageStore(sql), { close: (store) => store.close() });
  return { store: first, another, close }; // the pools close after the file's tests
});
