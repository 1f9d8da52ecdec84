// The SessionStore port's contract (src/auth/sessions.ts), one suite for every adapter (SQLite,
// PostgreSQL): each test file calls sessionsContract with a factory that opens a fresh, empty store
// and a second one over the same storage, as another instance (or the admin command line) holds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionRecord, SessionStore } from '../../src/auth/sessions.ts';
import { freshFixtures } from './contract-fixtures.ts';

export interface SessionsFixture {
  store: SessionStore;
  /** The same sessions through a connection of its own. */
  another(): Promise<SessionStore>;
  /**
   * Resolves once what either side wrote is visible to the other: the next turn of the event loop
   * on SQLite, the announcement of the change with PostgreSQL's read caches.
   */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const NOW = '2026-06-01T12:00:00.000Z';
let n = 0;
function session(over: Partial<SessionRecord> = {}): SessionRecord {
  n++;
  return {
    tokenHash: `${n.toString(16).padStart(8, '0')}${'ab'.repeat(28)}`,
    login: 'alice',
    certSerial: '0a',
    createdAt: '2026-06-01T11:00:00.000Z',
    expiresAt: '2026-06-01T23:00:00.000Z',
    ...over,
  };
}

export function sessionsContract(name: string, factory: () => Promise<SessionsFixture>): void {
  describe(`SessionStore contract: ${name}`, () => {
    const fresh = freshFixtures(factory);

    it('keeps a session by its token hash, with its user agent when it has one; a second one with the same hash is refused', async () => {
      const { store } = await fresh();
      const plain = session();
      const withAgent = session({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) «ünïcode» 🔐' });
      await store.insert(plain);
      await store.insert(withAgent);
      assert.deepEqual(await store.get(plain.tokenHash), plain);
      assert.deepEqual(await store.get(withAgent.tokenHash), withAgent);
      assert.equal(await store.get('f'.repeat(64)), undefined);
      await assert.rejects(store.insert({ ...plain, login: 'mallory' }));
      assert.deepEqual(await store.get(plain.tokenHash), plain, 'the first one stays as it was');
    });

    it("lists a login's live sessions newest first, the later of two opened in the same millisecond first", async () => {
      const { store } = await fresh();
      const old = session({ createdAt: '2026-06-01T09:00:00.000Z' });
      const sameA = session({ createdAt: '2026-06-01T10:00:00.000Z' });
      const sameB = session({ createdAt: '2026-06-01T10:00:00.000Z' });
      const newest = session({ createdAt: '2026-06-01T11:00:00.000Z' });
      const expired = session({ createdAt: '2026-06-01T11:30:00.000Z', expiresAt: NOW }); // expiring now is expired
      const bobs = session({ login: 'bob', createdAt: '2026-06-01T11:45:00.000Z' });
      for (const s of [old, sameA, newest, sameB, expired, bobs]) await store.insert(s);
      assert.deepEqual(await store.forLogin('alice', NOW), [newest, sameB, sameA, old]);
      assert.deepEqual(await store.forLogin('bob', NOW), [bobs]);
      assert.deepEqual(await store.forLogin('carol', NOW), []);
      // Logins compare exactly, byte for byte.
      assert.deepEqual(await store.forLogin('Alice', NOW), []);
    });

    it('deletes one session, those of a certificate, the others of a login, and the expired ones, saying how many', async () => {
      const { store } = await fresh();
      const a1 = session({ certSerial: '0a' });
      const a2 = session({ certSerial: '0a' });
      const a3 = session({ certSerial: '0b' });
      const b1 = session({ login: 'bob', certSerial: '0c' });
      const b2 = session({ login: 'bob', certSerial: '0c' });
      const gone = session({ login: 'carol', certSerial: '0d', expiresAt: '2026-06-01T11:59:59.999Z' });
      const atNow = session({ login: 'carol', certSerial: '0d', expiresAt: NOW });
      const live = session({ login: 'carol', certSerial: '0d', expiresAt: '2026-06-01T12:00:00.001Z' });
      for (const s of [a1, a2, a3, b1, b2, gone, atNow, live]) await store.insert(s);

      await store.delete(b2.tokenHash);
      await store.delete('no such hash');
      assert.equal(await store.get(b2.tokenHash), undefined);
      assert.deepEqual(await store.get(b1.tokenHash), b1);

      assert.equal(await store.deleteForCertificate('0a'), 2);
      assert.equal(await store.deleteForCertificate('0a'), 0);
      assert.equal(await store.get(a1.tokenHash), undefined);
      assert.deepEqual(await store.get(a3.tokenHash), a3);

      const a4 = session();
      await store.insert(a4);
      assert.equal(await store.deleteOthers('alice', a4.tokenHash), 1, 'a3 goes, a4 stays');
      assert.deepEqual(await store.forLogin('alice', NOW), [a4]);
      assert.deepEqual(await store.forLogin('bob', NOW), [b1], "another login's sessions stay");
      assert.equal(await store.deleteOthers('alice', a4.tokenHash), 0);

      await store.deleteExpired(NOW);
      assert.equal(await store.get(gone.tokenHash), undefined);
      assert.equal(await store.get(atNow.tokenHash), undefined, 'expiring at now is expired');
      assert.deepEqual(await store.get(live.tokenHash), live);
    });

    it('another instance sees a session opened or ended here once settled', async () => {
      const { store, another, settled } = await fresh();
      const other = await another();
      const s = session();
      assert.equal(await other.get(s.tokenHash), undefined);
      await settled();
      await store.insert(s);
      await settled();
      assert.deepEqual(await other.get(s.tokenHash), s);
      assert.deepEqual(await other.forLogin('alice', NOW), [s]);
      await store.deleteForCertificate(s.certSerial);
      await settled();
      assert.equal(await other.get(s.tokenHash), undefined);
    });

    it('ends every session of a certificate once when two instances end them at once', async () => {
      const { store, another } = await fresh();
      const other = await another();
      for (let i = 0; i < 10; i++) await store.insert(session({ certSerial: '0e' }));
      const counts = await Promise.all([store.deleteForCertificate('0e'), other.deleteForCertificate('0e')]);
      assert.equal(counts[0] + counts[1], 10, `${counts}`);
      assert.deepEqual(await store.forLogin('alice', NOW), []);
    });
  });
}
