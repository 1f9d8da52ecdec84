// The RecoveryCodeStore port's contract (src/auth/recovery-codes.ts), one suite for every adapter
// (SQLite, PostgreSQL): each test file calls recoveryCodesContract with a factory that opens an
// empty store, and a second one over the same storage as another instance would hold.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RecoveryCodeStore, StoredRecoveryCode } from '../../src/auth/recovery-codes.ts';
import { freshFixtures } from './contract-fixtures.ts';

export interface RecoveryCodesFixture {
  store: RecoveryCodeStore;
  /** The same codes through a connection of their own: another instance, or the admin command line. */
  another(): Promise<RecoveryCodeStore>;
  close(): Promise<void>;
}

const NOW = '2026-06-01T12:00:00.000Z';

function code(login: string, over: Partial<StoredRecoveryCode> = {}): StoredRecoveryCode {
  return { login, codeHash: `${'ab'.repeat(31)}${login.length}0`, createdAt: '2026-06-01T11:00:00.000Z', expiresAt: '2026-06-02T11:00:00.000Z', resetsPassword: false, ...over };
}

export function recoveryCodesContract(name: string, factory: () => Promise<RecoveryCodesFixture>): void {
  describe(`RecoveryCodeStore contract: ${name}`, () => {
    const fresh = freshFixtures(factory);

    it('keeps one code per login, every field read back as given, replaced by the next one', async () => {
      const { store } = await fresh();
      assert.equal(await store.get('alice'), undefined);
      const first = code('alice');
      await store.put(first);
      await store.put(code('bob', { resetsPassword: true, codeHash: 'cd'.repeat(32) }));
      assert.deepEqual(await store.get('alice'), first);
      assert.deepEqual(await store.get('bob'), code('bob', { resetsPassword: true, codeHash: 'cd'.repeat(32) }));
      const second = code('alice', { codeHash: 'ef'.repeat(32), createdAt: '2026-06-01T11:30:00.000Z', expiresAt: '2026-06-08T11:30:00.000Z', resetsPassword: true });
      await store.put(second);
      assert.deepEqual(await store.get('alice'), second);
      await store.put(code('alice'));
      assert.equal((await store.get('alice'))?.resetsPassword, false, 'replaced as a whole');
    });

    it('takes a code once: only with its hash, before it expires, for its own login', async () => {
      const { store } = await fresh();
      const c = code('alice');
      await store.put(c);
      await store.put(code('bob', { codeHash: 'cd'.repeat(32) }));
      assert.equal(await store.take('alice', 'cd'.repeat(32), NOW), false, "another login's code");
      assert.equal(await store.take('alice', c.codeHash.toUpperCase(), NOW), false, 'the hash exactly as stored');
      assert.equal(await store.take('carol', c.codeHash, NOW), false, 'no code');
      assert.equal(await store.take('alice', c.codeHash, c.expiresAt), false, 'expired at its expiry time');
      assert.deepEqual(await store.get('alice'), c, 'refusals remove nothing');
      assert.equal(await store.take('alice', c.codeHash, NOW), true);
      assert.equal(await store.get('alice'), undefined);
      assert.equal(await store.take('alice', c.codeHash, NOW), false, 'used up');
      assert.ok(await store.get('bob'), "the others' codes stay");
    });

    it('takes a replaced code no more', async () => {
      const { store } = await fresh();
      const old = code('alice');
      await store.put(old);
      await store.put(code('alice', { codeHash: 'ef'.repeat(32) }));
      assert.equal(await store.take('alice', old.codeHash, NOW), false);
      assert.equal(await store.take('alice', 'ef'.repeat(32), NOW), true);
    });

    it('lets exactly one of two simultaneous uses of a code win, on two instances', async () => {
      const { store, another } = await fresh();
      const other = await another();
      for (let round = 0; round < 5; round++) {
        const c = code(`user${round}`);
        await store.put(c);
        const results = await Promise.all([store.take(c.login, c.codeHash, NOW), other.take(c.login, c.codeHash, NOW)]);
        assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results}`);
        assert.equal(await other.get(c.login), undefined);
      }
    });

    it("sees a code another instance put (the admin command line issues them)", async () => {
      const { store, another } = await fresh();
      const admin = await another();
      await admin.put(code('alice'));
      assert.deepEqual(await store.get('alice'), code('alice'));
      assert.equal(await store.take('alice', code('alice').codeHash, NOW), true);
      assert.equal(await admin.get('alice'), undefined);
    });
  });
}
