// The ActivityStore port's contract (src/auth/activity.ts), one suite for every adapter (SQLite,
// PostgreSQL): each test file calls activityContract with a factory that opens a fresh, empty store
// and a second one over the same storage, as another instance holds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivityStore } from '../../src/auth/activity.ts';
import type { ActivityEntry } from '../../src/protocol/account.ts';
import { freshFixtures } from './contract-fixtures.ts';

export interface ActivityFixture {
  store: ActivityStore;
  /** The same activity through a connection of its own. */
  another(): Promise<ActivityStore>;
  close(): Promise<void>;
}

const at = (s: number) => new Date(Date.UTC(2026, 10, 27, 10, 0, s)).toISOString();

export function activityContract(name: string, factory: () => Promise<ActivityFixture>): void {
  describe(`ActivityStore contract: ${name}`, () => {
    const fresh = freshFixtures(factory);

    it('keeps the newest entries of each login only, newest first, and never another login’s', async () => {
      const { store } = await fresh();
      for (let i = 0; i < 5; i++) await store.add('ann', { at: at(i), kind: 'login_refused', reason: 'password' }, 3);
      await store.add('ben', { at: at(0), kind: 'login' }, 3);
      assert.deepEqual(
        (await store.recent('ann', 10)).map((e) => e.at),
        [at(4), at(3), at(2)],
      );
      assert.equal((await store.recent('ben', 10)).length, 1);
      assert.deepEqual((await store.recent('ann', 2)).map((e) => e.at), [at(4), at(3)]);
      assert.deepEqual(await store.recent('Ann', 10), [], 'logins compare exactly');
    });

    it('gives back each entry exactly as added, every field and none more', async () => {
      const { store } = await fresh();
      const full: ActivityEntry = {
        at: at(1),
        kind: 'certificate_revoked',
        reason: 'keyCompromise',
        serial: '7f3a',
        by: 'operator',
        address: '2001:db8::1',
        userAgent: 'Mozilla/5.0 «ünïcode» "quoted" \\ 🔐',
      };
      const bare: ActivityEntry = { at: at(2), kind: 'login' };
      await store.add('cyd', full, 10);
      await store.add('cyd', bare, 10);
      assert.deepEqual(await store.recent('cyd', 10), [bare, full]);
    });

    it('recorded by two instances at once, keeps no more than the newest `keep`', async () => {
      const { store, another } = await fresh();
      const other = await another();
      const keep = 5;
      await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? store : other).add('dee', { at: at(i), kind: 'login_refused', reason: 'password' }, keep)));
      assert.equal((await store.recent('dee', 100)).length, keep, 'no more than keep, however many wrote at once');
      await other.add('dee', { at: at(59), kind: 'login' }, keep);
      const now = await store.recent('dee', 100);
      assert.equal(now.length, keep);
      assert.deepEqual(now[0], { at: at(59), kind: 'login' });
    });
  });
}
