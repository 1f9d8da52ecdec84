// The LastSeenStore port's contract (src/chat/presence.ts), one suite for every adapter (SQLite,
// PostgreSQL): each test file calls lastSeenContract with a factory that opens a fresh, empty store
// and a second one over the same storage, as another instance holds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LastSeenStore } from '../../src/chat/presence.ts';
import { freshFixtures } from './contract-fixtures.ts';

export interface LastSeenFixture {
  store: LastSeenStore;
  /** The same times through a connection of its own. */
  another(): Promise<LastSeenStore>;
  close(): Promise<void>;
}

export function lastSeenContract(name: string, factory: () => Promise<LastSeenFixture>): void {
  describe(`LastSeenStore contract: ${name}`, () => {
    const fresh = freshFixtures(factory);

    it('keeps one time per login, the last one set, and lists them all', async () => {
      const { store } = await fresh();
      assert.equal(await store.get('alice'), undefined);
      assert.deepEqual(await store.all(), new Map());
      await store.set('alice', '2026-06-01T10:00:00.000Z');
      await store.set('bob', '2026-06-01T10:00:01.000Z');
      await store.set('alice', '2026-06-01T10:00:02.000Z');
      await store.set('Alice', '2026-06-01T09:00:00.000Z'); // another login: they compare exactly
      assert.equal(await store.get('alice'), '2026-06-01T10:00:02.000Z');
      assert.equal(await store.get('carol'), undefined);
      assert.deepEqual(
        await store.all(),
        new Map([
          ['alice', '2026-06-01T10:00:02.000Z'],
          ['Alice', '2026-06-01T09:00:00.000Z'],
          ['bob', '2026-06-01T10:00:01.000Z'],
        ]),
      );
    });

    it('shares the times with another instance, each write replacing the one before', async () => {
      const { store, another } = await fresh();
      const other = await another();
      await store.set('dave', '2026-06-01T10:00:00.000Z');
      assert.equal(await other.get('dave'), '2026-06-01T10:00:00.000Z');
      await other.set('dave', '2026-06-01T10:05:00.000Z');
      assert.equal(await store.get('dave'), '2026-06-01T10:05:00.000Z');
      // Written at once from both: one of the two, whole.
      const times = Array.from({ length: 20 }, (_, i) => `2026-06-01T11:00:${String(i).padStart(2, '0')}.000Z`);
      await Promise.all(times.map((t, i) => (i % 2 ? store : other).set('erin', t)));
      assert.ok(times.includes((await store.get('erin'))!));
      assert.equal((await store.all()).size, 2);
    });
  });
}
