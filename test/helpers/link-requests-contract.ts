// The LinkRequestStore port's contract (src/auth/link-requests.ts, protocol §6), one suite for every
// adapter (SQLite, PostgreSQL, the in-memory fake): each test file calls linkRequestsContract with a
// factory that opens an empty store, and a second one over the same storage as another instance
// would hold. What matters most: of approvers on two instances only one claims a request, and a
// request counts wrong codes up to `failed` and no further.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LINK_MAX_WRONG_CODES, LINK_TTL_MS, type LinkRequest, type LinkRequestStore } from '../../src/auth/link-requests.ts';
import { freshFixtures } from './contract-fixtures.ts';

export interface LinkRequestsFixture {
  store: LinkRequestStore;
  /** The same requests through a connection of their own: another instance. */
  another(): Promise<LinkRequestStore>;
  close(): Promise<void>;
}

const NOW = '2026-06-01T12:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString();

/** A lowercase UUIDv4 numbered `n`, so tests can choose how ids sort. */
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

let made = 0;
function request(over: Partial<LinkRequest> = {}): LinkRequest {
  const n = ++made;
  return {
    id: uuid(n),
    login: 'alice',
    deviceName: `Laptop ${n}`,
    csr: `-----BEGIN CERTIFICATE REQUEST-----\nMIIC${n}\n-----END CERTIFICATE REQUEST-----\n`,
    keyFingerprint: `${'0f'.repeat(31)}${(n % 256).toString(16).padStart(2, '0')}`,
    address: '192.0.2.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
    codeHash: 'ab'.repeat(32),
    secretHash: 'cd'.repeat(32),
    createdAt: at(-60_000),
    expiresAt: at(LINK_TTL_MS - 60_000),
    wrongCodes: 0,
    state: 'pending',
    ...over,
  };
}

export function linkRequestsContract(name: string, factory: () => Promise<LinkRequestsFixture>): void {
  describe(`LinkRequestStore contract: ${name}`, () => {
    const fresh = freshFixtures(factory);

    it('reads a request back with every field as given, serial and answer absent until approved', async () => {
      const { store } = await fresh();
      const r = request({ deviceName: 'Téléphone « bureau »', userAgent: '' });
      assert.equal(await store.get(r.id), undefined);
      await store.create(r);
      const read = await store.get(r.id);
      assert.deepEqual(read, r);
      assert.ok(read && !('serial' in read) && !('answer' in read), 'no serial or answer keys at all');
      const done = request({ state: 'approved', wrongCodes: 2, serial: '7F01', answer: '{"certificate":"PEM"}' });
      await store.create(done);
      assert.deepEqual(await store.get(done.id), done);
      await assert.rejects(store.create({ ...r, login: 'bob' }), 'one request per id');
      assert.deepEqual(await store.get(r.id), r);
    });

    it("lists only the login's pending, unexpired requests, oldest first (equal times as created)", async () => {
      const { store } = await fresh();
      const later = request({ id: uuid(0x100), createdAt: at(-10_000) });
      // Equal times, ids sorting the other way round: the one created first comes first.
      const tieFirst = request({ id: uuid(0x300), createdAt: at(-30_000) });
      const tieSecond = request({ id: uuid(0x200), createdAt: at(-30_000) });
      const oldest = request({ id: uuid(0x400), createdAt: at(-50_000) });
      for (const r of [later, tieFirst, tieSecond, oldest]) await store.create(r);
      await store.create(request({ login: 'bob' }));
      await store.create(request({ login: 'Alice' }));
      await store.create(request({ expiresAt: NOW }));
      await store.create(request({ createdAt: at(-LINK_TTL_MS - 1), expiresAt: at(-1) }));
      for (const state of ['approving', 'approved', 'refused', 'failed'] as const) await store.create(request({ state }));
      assert.deepEqual(await store.pending('alice', NOW), [oldest, tieFirst, tieSecond, later]);
      assert.deepEqual(await store.pending('carol', NOW), []);
      assert.equal((await store.pending('alice', at(-40_000))).length, 6, 'expiry compared with the `now` given: the two expired ones are live 40 s earlier');
    });

    it('counts wrong codes and fails the request exactly at the maximum, and counts none after', async () => {
      const { store } = await fresh();
      const r = request();
      await store.create(r);
      for (let n = 1; n < LINK_MAX_WRONG_CODES; n++) {
        assert.equal(await store.wrongCode(r.id, LINK_MAX_WRONG_CODES, NOW), n);
        assert.equal((await store.get(r.id))?.state, 'pending', `still pending after ${n}`);
      }
      assert.equal(await store.wrongCode(r.id, LINK_MAX_WRONG_CODES, NOW), LINK_MAX_WRONG_CODES);
      assert.deepEqual(await store.get(r.id), { ...r, wrongCodes: LINK_MAX_WRONG_CODES, state: 'failed' });
      assert.equal(await store.wrongCode(r.id, LINK_MAX_WRONG_CODES, NOW), undefined, 'failed: no longer pending');
      assert.equal((await store.get(r.id))?.wrongCodes, LINK_MAX_WRONG_CODES);
      assert.equal(await store.claim(r.id, NOW), false, 'a failed request is never approved');
      assert.deepEqual(await store.pending('alice', NOW), []);
    });

    it('counts no wrong code on an expired, claimed, refused or unknown request', async () => {
      const { store } = await fresh();
      const r = request();
      await store.create(r);
      assert.equal(await store.wrongCode(r.id, LINK_MAX_WRONG_CODES, r.expiresAt), undefined, 'expired at its expiry time');
      assert.equal(await store.wrongCode(uuid(0xfff), LINK_MAX_WRONG_CODES, NOW), undefined);
      const claimed = request();
      const refused = request();
      await store.create(claimed);
      await store.create(refused);
      assert.equal(await store.claim(claimed.id, NOW), true);
      assert.equal(await store.refuse(refused.id), true);
      assert.equal(await store.wrongCode(claimed.id, LINK_MAX_WRONG_CODES, NOW), undefined);
      assert.equal(await store.wrongCode(refused.id, LINK_MAX_WRONG_CODES, NOW), undefined);
      assert.equal((await store.get(r.id))?.wrongCodes, 0);
      assert.equal((await store.get(claimed.id))?.wrongCodes, 0);
      assert.equal((await store.get(refused.id))?.wrongCodes, 0);
      assert.equal(await store.wrongCode(r.id, LINK_MAX_WRONG_CODES, NOW), 1, 'the live one still counts');
    });

    it('claims a pending request once, never an expired, refused or unknown one', async () => {
      const { store } = await fresh();
      const r = request();
      await store.create(r);
      assert.equal(await store.claim(r.id, r.expiresAt), false, 'expired at its expiry time');
      assert.equal(await store.claim(r.id, NOW), true);
      assert.equal((await store.get(r.id))?.state, 'approving');
      assert.equal(await store.claim(r.id, NOW), false, 'claimed already');
      assert.deepEqual(await store.pending('alice', NOW), [], 'no longer listed as pending');
      const refused = request();
      await store.create(refused);
      assert.equal(await store.refuse(refused.id), true);
      assert.equal(await store.claim(refused.id, NOW), false);
      assert.equal(await store.claim(uuid(0xfff), NOW), false);
    });

    it('lets exactly one of simultaneous claims win, on two instances', async () => {
      const { store, another } = await fresh();
      const other = await another();
      for (let round = 0; round < 8; round++) {
        const r = request();
        await store.create(r);
        // Two approvers on each instance, the instances taking turns to go first.
        const order = round % 2 ? [store, other, store, other] : [other, store, other, store];
        const results = await Promise.all(order.map((s) => s.claim(r.id, NOW)));
        assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results}`);
        assert.equal((await other.get(r.id))?.state, 'approving');
      }
    });

    it('counts simultaneous wrong codes on two instances each once, and none past the maximum', async () => {
      const { store, another } = await fresh();
      const other = await another();
      for (let round = 0; round < 3; round++) {
        const r = request();
        await store.create(r);
        const tries = Array.from({ length: LINK_MAX_WRONG_CODES + 3 }, (_, i) => (i % 2 ? store : other).wrongCode(r.id, LINK_MAX_WRONG_CODES, NOW));
        const counts = (await Promise.all(tries)).filter((n) => n !== undefined).sort((a, b) => a - b);
        assert.deepEqual(
          counts,
          Array.from({ length: LINK_MAX_WRONG_CODES }, (_, i) => i + 1),
          `round ${round}`,
        );
        assert.deepEqual(await store.get(r.id), { ...r, wrongCodes: LINK_MAX_WRONG_CODES, state: 'failed' });
      }
    });

    it('puts a claimed request back to pending on release, to be approved later', async () => {
      const { store } = await fresh();
      const r = request();
      await store.create(r);
      assert.equal(await store.claim(r.id, NOW), true);
      await store.release(r.id);
      assert.deepEqual(await store.get(r.id), r);
      assert.deepEqual(await store.pending('alice', NOW), [r]);
      await store.release(r.id); // not approving: nothing happens
      assert.deepEqual(await store.get(r.id), r);
      assert.equal(await store.claim(r.id, NOW), true, 'claimed again');
      await store.approve(r.id, '7F02', '{"certificate":"PEM"}');
      await store.release(r.id);
      assert.equal((await store.get(r.id))?.state, 'approved', 'an approved request stays approved');
    });

    it('approves a claimed request with its serial and answer, and only a claimed one', async () => {
      const { store, another } = await fresh();
      const r = request();
      await store.create(r);
      await store.approve(r.id, '7F03', '{"certificate":"A"}');
      assert.deepEqual(await store.get(r.id), r, 'not claimed: nothing approved');
      assert.equal(await store.claim(r.id, NOW), true);
      // Issuing may outlast the ten minutes: an approval completes whatever the time.
      await store.approve(r.id, '7F03', '{"certificate":"A"}');
      const approved = { ...r, state: 'approved' as const, serial: '7F03', answer: '{"certificate":"A"}' };
      assert.deepEqual(await store.get(r.id), approved);
      assert.deepEqual(await (await another()).get(r.id), approved, 'what the new device collects, from any instance');
      await store.approve(r.id, '7F04', '{"certificate":"B"}');
      assert.deepEqual(await store.get(r.id), approved, 'approved once');
      assert.equal(await store.claim(r.id, NOW), false);
      assert.equal(await store.refuse(r.id), false);
      assert.equal(await store.wrongCode(r.id, LINK_MAX_WRONG_CODES, NOW), undefined);
    });

    it('refuses only a pending request, once', async () => {
      const { store } = await fresh();
      const r = request();
      await store.create(r);
      assert.equal(await store.refuse(r.id), true);
      assert.deepEqual(await store.get(r.id), { ...r, state: 'refused' });
      assert.equal(await store.refuse(r.id), false, 'refused already');
      const claimed = request();
      await store.create(claimed);
      assert.equal(await store.claim(claimed.id, NOW), true);
      assert.equal(await store.refuse(claimed.id), false, 'being approved');
      assert.equal((await store.get(claimed.id))?.state, 'approving');
      const failed = request({ state: 'failed', wrongCodes: LINK_MAX_WRONG_CODES });
      await store.create(failed);
      assert.equal(await store.refuse(failed.id), false);
      assert.equal(await store.refuse(uuid(0xfff)), false);
    });

    it('forgets only the requests that expired before the time given, whatever their state', async () => {
      const { store } = await fresh();
      const gone = [
        request({ expiresAt: at(-2_000) }),
        request({ expiresAt: at(-1_000), state: 'approved', serial: '7F05', answer: '{}' }),
        request({ expiresAt: at(-1_000), login: 'bob', state: 'approving' }),
        request({ expiresAt: at(-1), state: 'refused' }),
      ];
      const kept = [request({ expiresAt: NOW }), request({ expiresAt: at(1), state: 'failed' })];
      for (const r of [...gone, ...kept]) await store.create(r);
      assert.equal(await store.deleteExpired(at(-1_000)), 1, 'strictly before');
      assert.ok(await store.get(gone[1].id), 'expired at that very time: kept');
      assert.equal(await store.deleteExpired(NOW), 3);
      assert.equal(await store.deleteExpired(NOW), 0);
      for (const r of gone) assert.equal(await store.get(r.id), undefined);
      for (const r of kept) assert.deepEqual(await store.get(r.id), r);
    });
  });
}
