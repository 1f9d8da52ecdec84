// Each person's settings' contract (test/helpers/settings-contract.ts) on SQLite and on PostgreSQL,
// and on the in-memory fake the unit tests use; "another instance" is a second connection to the
// same file or database (the same object for the fake: one process's memory). Reopening closes
// every connection to the SQLite file first, as a restart does; on PostgreSQL it is a new pool.
import { join } from 'node:path';
import { SqliteSettings } from '../src/store/sqlite/settings.ts';
import { PostgresSettings } from '../src/store/postgres/settings.ts';
import { openDatabase, type Db } from '../src/store/sqlite/sqlite.ts';
import type { Sql } from '../src/store/postgres/connect.ts';
import { FakeSettings } from './fakes/settings.ts';
import { settingsContract } from './helpers/settings-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances } from './helpers/contract-fixtures.ts';
import { tempDir } from './helpers/server.ts';

settingsContract('SQLite', async () => {
  const file = join(tempDir('tekup-settings-'), 'tekup.db');
  const open: Db[] = [];
  const store = () => {
    const db = openDatabase(file);
    open.push(db);
    return new SqliteSettings(db);
  };
  const closeAll = () => {
    for (const db of open.splice(0)) db.close();
  };
  const first = store();
  return {
    store: first,
    another: async () => store(),
    reopen: async () => (closeAll(), store()),
    writeRaw: async (login, locale) => void open[0].prepare('INSERT INTO user_settings (login, locale) VALUES (?, ?)').run(login, locale),
    close: async () => closeAll(),
  };
});

const pg = postgresDatabases();
settingsContract('PostgreSQL', async () => {
  let pool: Sql | undefined;
  const { first, another, close } = await postgresInstances(pg, (sql) => ((pool ??= sql), new PostgresSettings(sql)));
  const writeRaw = async (login: string, locale: string) => void (await pool!`INSERT INTO user_settings (login, locale) VALUES (${login}, ${locale})`);
  return { store: first, another, reopen: another, writeRaw, close }; // the pools close after the file's tests
});

settingsContract('in-memory fake', async () => {
  const store = new FakeSettings();
  return { store, another: async () => store, reopen: async () => store, writeRaw: async (login: string, value: string) => store.storeAsIs(login, value), close: async () => {} };
});
