// The CaState port's contract (src/pki/ca-state.ts), one suite for every adapter (SQLite,
// PostgreSQL): each test file calls caStateContract with a factory that opens a fresh state, and
// a second one over the same storage as another instance (or a restart) would hold.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CaState } from '../../src/pki/ca-state.ts';
import { freshFixtures } from './contract-fixtures.ts';

export interface CaStateFixture {
  state: CaState;
  /** The same counters through a connection of their own: another instance, or the next start. */
  another(): Promise<CaState>;
  close(): Promise<void>;
}

const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]);

export function caStateContract(name: string, factory: () => Promise<CaStateFixture>): void {
  describe(`CaState contract: ${name}`, () => {
    const fresh = freshFixtures(factory);

    it('numbers CRLs 1, 2, 3 … from a fresh store', async () => {
      const { state } = await fresh();
      assert.deepEqual([await state.nextCrlNumber(), await state.nextCrlNumber(), await state.nextCrlNumber()], [1, 2, 3]);
    });

    it('keeps counting where it stopped, for another instance or after a restart', async () => {
      const { state, another } = await fresh();
      for (let i = 0; i < 4; i++) await state.nextCrlNumber();
      const later = await another();
      assert.equal(await later.nextCrlNumber(), 5);
      assert.equal(await state.nextCrlNumber(), 6);
    });

    it('never hands one number out twice when two instances ask at once, each seeing its own numbers grow', async () => {
      const { state, another } = await fresh();
      const other = await another();
      const ask = async (s: CaState) => {
        const got: number[] = [];
        // Each instance asks in turn, as its publisher does; the two instances overlap.
        for (let i = 0; i < 15; i++) got.push(await s.nextCrlNumber());
        return got;
      };
      // And a burst at once, as concurrent requests would.
      const [a, b, burst] = await Promise.all([ask(state), ask(other), Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? state : other).nextCrlNumber()))]);
      assert.ok(increasing(a), `${a}`);
      assert.ok(increasing(b), `${b}`);
      const all = [...a, ...b, ...burst];
      assert.equal(new Set(all).size, all.length, 'all distinct');
      assert.ok(all.every((x) => Number.isInteger(x) && x >= 1));
      const next = await state.nextCrlNumber();
      assert.ok(next > Math.max(...all), 'greater than every number handed out before');
    });
  });
}
