// The read marks' contract (test/helpers/read-marks-contract.ts) on SQLite and on PostgreSQL, each
// beside its own message store; "another instance" is a second connection to the same file or a
// second pool on the same database.
import { join } from 'node:path';
import { openDatabase, type Db } from '../src/store/sqlite/sqlite.ts';
import { SqliteMessageStore } from '../src/store/sqlite/messages.ts';
import { SqliteReadMarks } from '../src/store/sqlite/read-marks.ts';
import { PostgresMessageStore } from '../src/store/postgres/messages.ts';
import { PostgresReadMarks } from '../src/store/postgres/read-marks.ts';
import { readMarksContract } from './helpers/read-marks-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { tempDir } from './helpers/server.ts';

readMarksContract('SQLite', async () => {
  const file = join(tempDir('tekup-read-marks-'), 'tekup.db');
  const db = openDatabase(file);
  const messages = new SqliteMessageStore(db); // creates the messages table the marks count
  const others: Db[] = [];
  return {
    marks: new SqliteReadMarks(db),
    messages,
    another: async () => new SqliteReadMarks(others[others.push(openDatabase(file)) - 1]),
    close: async () => {
      await messages.close();
      for (const d of [db, ...others]) d.close();
    },
  };
});

const pg = postgresDatabases();
readMarksContract('PostgreSQL', async () => {
  const { url, sql } = await pg.fresh();
  const messages = new PostgresMessageStore(sql);
  return {
    marks: new PostgresReadMarks(sql),
    messages,
    another: async () => new PostgresReadMarks(await pg.connect(url)),
    close: () => messages.close(), // the pools close after the file's tests
  };
});
