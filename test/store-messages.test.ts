// The message store's contract (test/helpers/messages-contract.ts) on SQLite and on PostgreSQL;
// "another instance" is a second connection to the same file (with a writer of its own) or a
// second pool on the same database.
import { join } from 'node:path';
import { openDatabase, type Db } from '../src/store/sqlite/sqlite.ts';
import { SqliteMessageStore } from '../src/store/sqlite/messages.ts';
import { PostgresMessageStore } from '../src/store/postgres/messages.ts';
import { messagesContract, type ClosableMessageStore } from './helpers/messages-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { tempDir } from './helpers/server.ts';

messagesContract('SQLite', async () => {
  const file = join(tempDir('tekup-messages-'), 'tekup.db');
  const opened: { db: Db; store: ClosableMessageStore }[] = [];
  const open = () => {
    const db = openDatabase(file);
    const store = new SqliteMessageStore(db);
    opened.push({ db, store });
    return store;
  };
  return {
    store: open(),
    another: async () => open(),
    close: async () => {
      for (const { db, store } of opened) {
        await store.close();
        db.close();
      }
    },
  };
});

const pg = postgresDatabases();
messagesContract('PostgreSQL', async () => {
  const { url, sql } = await pg.fresh();
  const stores: ClosableMessageStore[] = [new PostgresMessageStore(sql)];
  return {
    store: stores[0],
    another: async () => stores[stores.push(new PostgresMessageStore(await pg.connect(url))) - 1],
    close: async () => {
      for (const store of stores) await store.close(); // the pools close after the file's tests
    },
  };
});
