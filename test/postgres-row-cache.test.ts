// The read caches of the PostgreSQL store (src/store/postgres/row-cache.ts) and the announcements
// they follow (row-changes.ts): a row is answered from memory only while no change to it can have
// been missed, whoever wrote it; a revocation or a deleted session written by another instance or by
// hand in psql is seen as soon as it is announced; a dropped listening connection turns the caches
// off until it listens again. The cache's own bookkeeping runs first against a fake of the feed.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { RowCache } from '../src/store/postgres/row-cache.ts';
import { followRowChanges, parseRowChange, type RowChange, type RowChanges } from '../src/store/postgres/row-changes.ts';
import { PostgresCertificateRecords } from '../src/store/postgres/certificates.ts';
import { PostgresSessionStore } from '../src/store/postgres/sessions.ts';
import { PostgresDirectory } from '../src/store/postgres/directory.ts';
import { openPostgresStorage } from '../src/store/postgres/open.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { stagedRecord } from './helpers/records.ts';

/** An in-memory feed: the test announces changes and gaps itself. */
function fakeFeed(): RowChanges & { announce(c: RowChange): void; gap(following: boolean): void } {
  const changeFns: ((c: RowChange) => void)[] = [];
  const gapFns: (() => void)[] = [];
  let following = true;
  let era = 0;
  return {
    get following() {
      return following;
    },
    get era() {
      return era;
    },
    onChange: (fn) => void changeFns.push(fn),
    onGap: (fn) => void gapFns.push(fn),
    caughtUp: async () => {},
    close: async () => {},
    announce: (c) => changeFns.forEach((fn) => fn(c)),
    gap(value) {
      following = value;
      era++;
      gapFns.forEach((fn) => fn());
    },
  };
}

/** A load whose answer the test gives when it wants, counting the calls. */
function controlledLoad<T>() {
  const waiting: ((v: T) => void)[] = [];
  const load = () => new Promise<T>((resolve) => waiting.push(resolve));
  return {
    load,
    get calls() {
      return waiting.length;
    },
    answer: (i: number, v: T) => waiting[i](v),
  };
}

describe('RowCache over a fake feed', () => {
  it('reads a row once while nothing is announced, and again after its change is', async () => {
    const feed = fakeFeed();
    const cache = new RowCache<{ v: number }>(feed, 'users');
    let reads = 0;
    const load = async () => ({ v: ++reads });
    assert.deepEqual(await cache.get('alice', load), { v: 1 });
    assert.deepEqual(await cache.get('alice', load), { v: 1 });
    feed.announce({ table: 'certificates', op: 'UPDATE', key: 'alice' });
    feed.announce({ table: 'users', op: 'UPDATE', key: 'bob' });
    assert.deepEqual(await cache.get('alice', load), { v: 1 }, 'changes to other tables and rows leave it');
    feed.announce({ table: 'users', op: 'UPDATE', key: 'alice' });
    assert.deepEqual(await cache.get('alice', load), { v: 2 });
    assert.ok(Object.isFrozen(await cache.get('alice', load)), 'one object answers every caller: none may change it');
  });

  it('remembers that a row is absent, until it is inserted', async () => {
    const feed = fakeFeed();
    const cache = new RowCache<string>(feed, 'sessions');
    let row: string | undefined;
    let reads = 0;
    const load = async () => (reads++, row);
    assert.equal(await cache.get('h', load), undefined);
    assert.equal(await cache.get('h', load), undefined);
    assert.equal(reads, 1);
    row = 'opened';
    feed.announce({ table: 'sessions', op: 'INSERT', key: 'h' });
    assert.equal(await cache.get('h', load), 'opened');
  });

  it('shares one read between callers asking at once', async () => {
    const cache = new RowCache<string>(fakeFeed(), 'users');
    const l = controlledLoad<string>();
    const a = cache.get('alice', l.load);
    const b = cache.get('alice', l.load);
    assert.equal(l.calls, 1);
    l.answer(0, 'row');
    assert.deepEqual([await a, await b], ['row', 'row']);
  });

  it('does not keep a read during which the row changed, here or elsewhere', async () => {
    for (const change of ['announced', 'forgotten here'] as const) {
      const feed = fakeFeed();
      const cache = new RowCache<string>(feed, 'certificates');
      const l = controlledLoad<string>();
      const first = cache.get('0a', l.load);
      if (change === 'announced') feed.announce({ table: 'certificates', op: 'UPDATE', key: '0a' });
      else cache.forget('0a');
      // A caller after the change does not join the read that may have seen the row before it.
      const second = cache.get('0a', l.load);
      assert.equal(l.calls, 2, change);
      l.answer(0, 'before');
      l.answer(1, 'after');
      assert.equal(await first, 'before');
      assert.equal(await second, 'after');
      assert.equal(await cache.get('0a', l.load), 'after', `${change}: the later read is the one kept`);
      assert.equal(l.calls, 2);
    }
  });

  it('answers from the database alone while not following, and starts empty when following again', async () => {
    const feed = fakeFeed();
    const cache = new RowCache<number>(feed, 'users');
    let reads = 0;
    const load = async () => ++reads;
    assert.equal(await cache.get('alice', load), 1);
    const l = controlledLoad<number>();
    const during = cache.get('bob', l.load);
    feed.gap(false);
    l.answer(0, 7);
    assert.equal(await during, 7);
    assert.equal(await cache.get('alice', load), 2);
    assert.equal(await cache.get('alice', load), 3, 'nothing kept while not following');
    feed.gap(true);
    assert.equal(await cache.get('alice', load), 4);
    assert.equal(await cache.get('alice', load), 4);
    let bobReads = 0;
    assert.equal(await cache.get('bob', async () => (bobReads++, 8)), 8, 'the read begun before the gap was not kept');
    assert.equal(bobReads, 1);
  });

  it('hands a failed read to every caller waiting on it and keeps nothing', async () => {
    const cache = new RowCache<string>(fakeFeed(), 'users');
    await assert.rejects(cache.get('alice', async () => Promise.reject(new Error('connection lost'))), /connection lost/);
    assert.equal(await cache.get('alice', async () => 'row'), 'row');
  });
});

describe('announcements of changed rows', () => {
  it('reads "table op key" and nothing else', () => {
    assert.deepEqual(parseRowChange('sessions DELETE ab cd'), { table: 'sessions', op: 'DELETE', key: 'ab cd' });
    assert.deepEqual(parseRowChange('users INSERT zied'), { table: 'users', op: 'INSERT', key: 'zied' });
    for (const bad of ['', 'users', 'users INSERT', 'messages INSERT 1', 'users TRUNCATE x', 'marker 123', 'toString INSERT x']) {
      assert.equal(parseRowChange(bad), undefined, bad);
    }
  });
});

const pg = postgresDatabases();

/** A migrated database; `cached` stores follow its announcements, `elsewhere` is another instance. */
async function setUp() {
  const { url, sql } = await pg.fresh();
  const changes = await followRowChanges(url, { retryMs: 50 });
  const other = await pg.connect(url);
  // A connection whose writes fire no trigger: nothing is announced, so only a cache answers
  // with the old row after it (the way to see that the cache answers at all).
  const silent = postgres(url, { max: 1, onnotice: () => {}, connection: { session_replication_role: 'replica' } });
  const opened = { changes, silent };
  toClose.push(opened);
  return {
    url,
    sql,
    changes,
    silent,
    records: new PostgresCertificateRecords(sql, changes),
    sessions: new PostgresSessionStore(sql, changes),
    directory: new PostgresDirectory(sql, changes),
    elsewhere: {
      records: new PostgresCertificateRecords(other),
      sessions: new PostgresSessionStore(other),
      directory: new PostgresDirectory(other),
    },
  };
}
const toClose: { changes: RowChanges; silent: postgres.Sql }[] = [];
after(async () => {
  for (const o of toClose) {
    await o.changes.close();
    await o.silent.end({ timeout: 1 });
  }
});

describe('PostgreSQL read caches', () => {
  it('answer a certificate record from memory until its revocation by another instance is announced', async () => {
    const s = await setUp();
    assert.equal(s.changes.following, true);
    await s.records.stage(stagedRecord('0a'));
    await s.records.confirm('0a');
    // Our own writes' announcements come back too, and each forgets the row once more.
    await s.changes.caughtUp(s.sql);
    assert.equal((await s.records.get('0a'))?.revokedAt, undefined);
    await s.silent`UPDATE certificates SET not_after = '2098-01-01T00:00:00.000Z' WHERE serial = '0a'`;
    assert.equal((await s.records.get('0a'))?.notAfter, '2027-01-01T00:00:00.000Z', 'the unannounced change is not seen: the record came from memory');

    assert.equal(await s.elsewhere.records.revoke('0a', 'keyCompromise', '2026-11-30T06:00:00.000Z'), true);
    await s.changes.caughtUp(s.sql);
    const r = await s.records.get('0a');
    assert.equal(r?.revokedAt, '2026-11-30T06:00:00.000Z');
    assert.equal(r?.revocationReason, 'keyCompromise');
    assert.equal(r?.notAfter, '2098-01-01T00:00:00.000Z', 'read again from the database');
  });

  it("see this process's own writes at once, without waiting for their announcement", async () => {
    const s = await setUp();
    await s.records.stage(stagedRecord('0b'));
    assert.equal((await s.records.get('0b'))?.serial, '0b');
    await s.records.confirm('0b');
    await s.records.revoke('0b', 'superseded', '2026-11-30T06:00:00.000Z');
    assert.equal((await s.records.get('0b'))?.revocationReason, 'superseded');

    await s.sessions.insert({ tokenHash: 'aa'.repeat(32), login: 'alice', certSerial: '0b', createdAt: '2026-11-30T05:00:00.000Z', expiresAt: '2099-01-01T00:00:00.000Z' });
    assert.equal((await s.sessions.get('aa'.repeat(32)))?.login, 'alice');
    assert.equal(await s.sessions.deleteForCertificate('0b'), 1);
    assert.equal(await s.sessions.get('aa'.repeat(32)), undefined);
  });

  it('forget a session ended in psql and a password changed on another instance, once announced', async () => {
    const s = await setUp();
    const hash = 'bb'.repeat(32);
    await s.sessions.insert({ tokenHash: hash, login: 'alice', certSerial: '0c', createdAt: '2026-11-30T05:00:00.000Z', expiresAt: '2099-01-01T00:00:00.000Z' });
    assert.ok(await s.sessions.get(hash));
    await s.sql`DELETE FROM sessions WHERE token_hash = ${hash}`; // by hand, not through the adapter
    await s.changes.caughtUp(s.sql);
    assert.equal(await s.sessions.get(hash), undefined);

    await s.directory.register({
      user: {
        login: 'alice',
        cardNumber: '12345678',
        firstName: 'Alice',
        lastName: 'Martin',
        email: 'alice@example.org',
        passwordHash: 'old-hash',
        certificate: new Uint8Array([1, 2, 3]),
        createdAt: '2026-11-30T05:00:00.000Z',
      },
      stage: async () => {},
      confirm: async () => {},
      discard: async () => {},
    });
    assert.equal((await s.directory.get('alice'))?.passwordHash, 'old-hash');
    await s.elsewhere.directory.setPasswordHash('alice', 'new-hash');
    await s.changes.caughtUp(s.sql);
    assert.equal((await s.directory.get('alice'))?.passwordHash, 'new-hash');
  });

  it('tell the streams when sessions were deleted, by whichever process, and not when one was opened', async () => {
    const { url } = await pg.fresh();
    const storage = await openPostgresStorage(url);
    try {
      let told = 0;
      storage.onSessionsEnded?.(() => told++);
      const other = await pg.connect(url);
      const session = { tokenHash: 'cc'.repeat(32), login: 'alice', certSerial: '0e', createdAt: '2026-11-30T05:00:00.000Z', expiresAt: '2099-01-01T00:00:00.000Z' };
      await new PostgresSessionStore(other).insert(session);
      await storage.changes.caughtUp(storage.sql);
      assert.equal(told, 0);
      await other`DELETE FROM sessions WHERE cert_serial = '0e'`;
      await storage.changes.caughtUp(storage.sql);
      assert.equal(told, 1);
    } finally {
      await storage.close();
    }
  });

  it('turn off while the listening connection is gone, and on again, empty, once it listens again', async () => {
    const s = await setUp();
    await s.records.stage(stagedRecord('0d'));
    await s.changes.caughtUp(s.sql);
    await s.records.get('0d');
    const gaps: boolean[] = [];
    s.changes.onGap(() => gaps.push(s.changes.following));
    await s.sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query ILIKE 'LISTEN tekup_rows%' AND datname = current_database()`;
    while (s.changes.following) await sleep(5);
    // Unannounced, and while not following: the database's answer, not memory's.
    await s.silent`UPDATE certificates SET not_after = '2097-01-01T00:00:00.000Z' WHERE serial = '0d'`;
    assert.equal((await s.records.get('0d'))?.notAfter, '2097-01-01T00:00:00.000Z');
    while (!s.changes.following) await sleep(5);
    assert.deepEqual(gaps, [false, true]);
    await s.silent`UPDATE certificates SET not_after = '2096-01-01T00:00:00.000Z' WHERE serial = '0d'`;
    assert.equal((await s.records.get('0d'))?.notAfter, '2096-01-01T00:00:00.000Z', 'nothing from before the gap was kept');
    // Following again: rows are kept, and their changes announced, as before.
    await s.silent`UPDATE certificates SET not_after = '2095-01-01T00:00:00.000Z' WHERE serial = '0d'`;
    assert.equal((await s.records.get('0d'))?.notAfter, '2096-01-01T00:00:00.000Z');
    await s.elsewhere.records.confirm('0d');
    await s.changes.caughtUp(s.sql);
    const r = await s.records.get('0d');
    assert.equal(r?.state, 'issued');
    assert.equal(r?.notAfter, '2095-01-01T00:00:00.000Z');
  });
});
