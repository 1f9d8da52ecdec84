// The attachment records' contract (test/helpers/attachments-contract.ts) on SQLite, on PostgreSQL
// and on the in-memory fake, each with the message and group stores of the same storage.
import { SqliteAttachmentRecords } from '../src/store/sqlite/attachments.ts';
import { PostgresAttachmentRecords } from '../src/store/postgres/attachments.ts';
import { SqliteMessageStore } from '../src/store/sqlite/messages.ts';
import { PostgresMessageStore } from '../src/store/postgres/messages.ts';
import { SqliteGroupStore } from '../src/store/sqlite/groups.ts';
import { PostgresGroupStore } from '../src/store/postgres/groups.ts';
import { FakeAttachmentRecords } from './fakes/attachments.ts';
import { FakeGroupStore } from './fakes/groups.ts';
import { FakeMessageStore } from './fakes/messages.ts';
import { attachmentsContract } from './helpers/attachments-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances, sqliteInstances } from './helpers/contract-fixtures.ts';

attachmentsContract('SQLite', async () => {
  const { first, close } = sqliteInstances(
    'tekup-attachments-',
    (db) => {
      const groups = new SqliteGroupStore(db);
      const messages = new SqliteMessageStore(db);
      return { groups, messages, records: new SqliteAttachmentRecords(db) };
    },
    { close: (i) => i.messages.close() },
  );
  return { ...first, close };
});

const pg = postgresDatabases();
attachmentsContract('PostgreSQL', async () => {
  const { first, close } = await postgresInstances(
    pg,
    (sql) => ({ groups: new PostgresGroupStore(sql), messages: new PostgresMessageStore(sql), records: new PostgresAttachmentRecords(sql) }),
    { close: (i) => i.messages.close() },
  );
  return { ...first, close };
});

attachmentsContract('in-memory fake', async () => {
  const groups = new FakeGroupStore();
  const records = new FakeAttachmentRecords();
  return { records, groups, messages: new FakeMessageStore(groups, records), close: async () => {} };
});
