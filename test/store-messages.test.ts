// The message store's contract (test/helpers/messages-contract.ts) on SQLite and on PostgreSQL;
// "another instance" is a second connection to the same file (with a writer of its own) or a
// second pool on the same database. Group messages (protocol §7) also on the in-memory fake, each
// adapter beside the group store of the same storage.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteMessageStore } from '../src/store/sqlite/messages.ts';
import { PostgresMessageStore } from '../src/store/postgres/messages.ts';
import { SqliteGroupStore } from '../src/store/sqlite/groups.ts';
import { PostgresGroupStore } from '../src/store/postgres/groups.ts';
import { FakeGroupStore } from './fakes/groups.ts';
import { FakeMessageStore } from './fakes/messages.ts';
import { groupMessagesContract, messagesContract } from './helpers/messages-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances, sqliteInstances } from './helpers/contract-fixtures.ts';

messagesContract('SQLite', async () => {
  const { first, another, close } = sqliteInstances('tekup-messages-', (db) => new SqliteMessageStore(db), { close: (store) => store.close() });
  return { store: first, another, close };
});

groupMessagesContract('SQLite', async () => {
  const { first, close } = sqliteInstances('tekup-group-messages-', (db) => ({ store: new SqliteMessageStore(db), groups: new SqliteGroupStore(db) }), {
    close: (i) => i.store.close(),
  });
  return { ...first, close };
});

const pg = postgresDatabases();
messagesContract('PostgreSQL', async () => {
  const { first, another, close } = await postgresInstances(pg, (sql) => new PostgresMessageStore(sql), { close: (store) => store.close() });
  return { store: first, another, close }; // the pools close after the file's tests
});

groupMessagesContract('PostgreSQL', async () => {
  const { first, close } = await postgresInstances(pg, (sql) => ({ store: new PostgresMessageStore(sql), groups: new PostgresGroupStore(sql) }), {
    close: (i) => i.store.close(),
  });
  return { ...first, close };
});

groupMessagesContract('in-memory fake', async () => {
  const groups = new FakeGroupStore();
  return { store: new FakeMessageStore(groups), groups, close: async () => {} };
});

describe('SQLite messages indexes', () => {
  it('none is a leading part of another: each accepted message writes every index, so one that another covers is only cost', async () => {
    const { first, close } = sqliteInstances('tekup-messages-indexes-', (db) => ({ db, store: new SqliteMessageStore(db) }), { close: (i) => i.store.close() });
    try {
      const { db } = first;
      const indexes = (db.prepare(`SELECT name FROM pragma_index_list('messages')`).all() as { name: string }[]).map(({ name }) => ({
        name,
        columns: (db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(name) as { name: string }[]).map((c) => c.name),
      }));
      assert.ok(indexes.some((i) => i.name === 'messages_to_group'));
      for (const a of indexes)
        for (const b of indexes)
          if (a !== b) assert.ok(a.columns.length > b.columns.length || a.columns.some((c, k) => c !== b.columns[k]), `${a.name} (${a.columns}) is covered by ${b.name} (${b.columns})`);
    } finally {
      await close();
    }
  });
});
