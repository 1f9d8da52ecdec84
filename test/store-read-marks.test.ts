// The read marks' contract (test/helpers/read-marks-contract.ts) on SQLite and on PostgreSQL, each
// beside its own message store; "another instance" is a second connection to the same file or a
// second pool on the same database.
import { SqliteMessageStore } from '../src/store/sqlite/messages.ts';
import { SqliteReadMarks } from '../src/store/sqlite/read-marks.ts';
import { PostgresMessageStore } from '../src/store/postgres/messages.ts';
import { PostgresReadMarks } from '../src/store/postgres/read-marks.ts';
import { SqliteGroupStore } from '../src/store/sqlite/groups.ts';
import { PostgresGroupStore } from '../src/store/postgres/groups.ts';
import { readMarksContract } from './helpers/read-marks-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances, sqliteInstances } from './helpers/contract-fixtures.ts';

readMarksContract('SQLite', async () => {
  const { first: db, another, close } = sqliteInstances('tekup-read-marks-', (db) => db);
  const messages = new SqliteMessageStore(db); // creates the messages table the marks count
  return {
    marks: new SqliteReadMarks(db),
    messages,
    groups: new SqliteGroupStore(db),
    another: async () => new SqliteReadMarks(await another()),
    close: async () => {
      await messages.close();
      await close();
    },
  };
});

const pg = postgresDatabases();
readMarksContract('PostgreSQL', async () => {
  const { first: sql, another } = await postgresInstances(pg, (sql) => sql);
  const messages = new PostgresMessageStore(sql);
  return {
    marks: new PostgresReadMarks(sql),
    messages,
    groups: new PostgresGroupStore(sql),
    another: async () => new PostgresReadMarks(await another()),
    close: () => messages.close(), // the pools close after the file's tests
  };
});
