// The MessageStore port's contract (src/chat/messages.ts), one suite for every adapter (SQLite,
// PostgreSQL): each test file calls messagesContract with a factory that opens a fresh, empty store
// and more stores over the same storage, as other instances hold. Admissions carry real RSA-PSS
// signatures (keys and certificates made by openssl), as the relay hands them over.
//
// Beyond what one process can see, the races of several instances: every admitted message stored
// once, a replayed id stored once, and seqs that become visible in order, so a stream resuming
// after the newest seq it saw (Last-Event-ID) never skips a message that commits later.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, constants, createPrivateKey, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { join } from 'node:path';
import type { Admission, Admitted, MessageStore, StoredMessage } from '../../src/chat/messages.ts';
import type { GroupStore } from '../../src/chat/groups.ts';
import { envelopeSigningText, type Envelope, type EnvelopeV2 } from '../../src/protocol/envelope.ts';
import { groupAddress } from '../../src/protocol/groups.ts';
import { openssl } from './openssl.ts';
import { tempDir } from './server.ts';
import { freshFixtures } from './contract-fixtures.ts';
import { newGroup } from './groups-contract.ts';

export interface ClosableMessageStore extends MessageStore {
  /** Answers the admissions under way, then refuses new ones. */
  close(): Promise<void>;
}

export interface MessagesFixture {
  store: ClosableMessageStore;
  /** Another store over the same storage, with connections (and a writer) of its own: another instance. */
  another(): Promise<ClosableMessageStore>;
  close(): Promise<void>;
}

/** Someone who signs envelopes: an RSA-2048 key and a self-signed certificate for it. */
export interface Signer {
  login: string;
  serial: string;
  der: Uint8Array;
  key: KeyObject;
}

export function signer(login: string): Signer {
  const dir = tempDir('tekup-signer-');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-subj', `/CN=${login}`, '-days', '1', '-out', join(dir, 'c.pem')]);
  const cert = new X509Certificate(readFileSync(join(dir, 'c.pem')));
  return { login, serial: cert.serialNumber.toLowerCase(), der: new Uint8Array(cert.raw), key: createPrivateKey(readFileSync(join(dir, 'k.pem'))) };
}

const RECEIVED = '2026-11-25T08:00:00.000Z';
const b64 = (n: number) => randomBytes(n).toString('base64');

/** An envelope from `from` to `to`, signed by `from` as a browser signs it, ready for admit. */
export function admission(from: Signer, to: string, over: { id?: string; receivedAt?: string } = {}): Admission {
  const e: Envelope = {
    v: 1,
    id: over.id ?? randomUUID(),
    from: from.login,
    to,
    sentAt: RECEIVED,
    cert: from.serial,
    iv: b64(12),
    ct: b64(48),
    keys: { [from.login]: b64(256), [to]: b64(256) },
    sig: '',
  };
  const signedText = envelopeSigningText(e);
  e.sig = sign('sha256', Buffer.from(signedText), { key: from.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');
  return { envelope: e, receivedAt: over.receivedAt ?? RECEIVED, signedText, signer: { serial: from.serial, der: from.der } };
}

/** A version 2 envelope from `from` to group `id`, sealed at `epoch`, signed as a browser signs it. */
export function groupAdmission(from: Signer, id: string, epoch: number, over: { id?: string; receivedAt?: string } = {}): Admission {
  const e: EnvelopeV2 = {
    v: 2,
    id: over.id ?? randomUUID(),
    from: from.login,
    cert: from.serial,
    to: groupAddress(id),
    epoch,
    sentAt: RECEIVED,
    iv: b64(12),
    ct: b64(48),
    keys: { [from.serial]: b64(256), '0a1b': b64(256) },
    sig: '',
  };
  const signedText = envelopeSigningText(e);
  e.sig = sign('sha256', Buffer.from(signedText), { key: from.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');
  return { envelope: e, receivedAt: over.receivedAt ?? RECEIVED, signedText, signer: { serial: from.serial, der: from.der }, group: { id, epoch } };
}

/** The stored message of an admission that was stored. */
export function stored(r: Admitted): StoredMessage {
  if (!('stored' in r)) throw new Error(`not stored: ${r.refused}`);
  return r.stored;
}

const ids = (ms: StoredMessage[]) => ms.map((m) => m.envelope.id);
const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Longer than the adapters' write-behind of delivery marks (200 ms). */
const DELIVERY_WRITTEN_MS = 1_000;

export function messagesContract(name: string, factory: () => Promise<MessagesFixture>): void {
  describe(`MessageStore contract: ${name}`, () => {
    const fresh = freshFixtures(factory);
    const alice = signer('alice');
    const bob = signer('bob');
    const carol = signer('carol');

    it('stores what verifies, answering in the order admitted with ascending seqs; refuses bad signatures and replays, within one batch too', async () => {
      const { store } = await fresh();
      const m1 = admission(alice, 'bob');
      const m2 = admission(alice, 'bob');
      const forged = { ...admission(alice, 'bob'), signedText: 'something else' }; // a signature over other bytes
      const tooLong = admission(alice, 'bob');
      tooLong.envelope = { ...tooLong.envelope, sig: Buffer.alloc(300).toString('base64') }; // longer than the modulus
      const notHers = { ...admission(alice, 'bob'), signer: { serial: bob.serial, der: bob.der } }; // checked with another key
      const badCert = { ...admission(alice, 'bob'), signer: { serial: 'ff', der: new Uint8Array([0x30, 0x03, 1, 2, 3]) } };
      const m5 = admission(bob, 'alice', { receivedAt: '2026-11-25T08:00:01.000Z' });
      const results = await Promise.all([m1, m2, forged, m2, tooLong, notHers, badCert, m5].map((a) => store.admit(a)));
      assert.deepEqual(results.slice(2, 7), [
        { refused: 'bad_signature' },
        { refused: 'replay' }, // the same id twice in one batch
        { refused: 'bad_signature' },
        { refused: 'bad_signature' },
        { refused: 'bad_signature' },
      ]);
      const kept = [results[0], results[1], results[7]].map(stored);
      assert.ok(ascending(kept.map((m) => m.seq)), 'seqs ascend in the order admitted');
      assert.ok(kept.every((m) => Number.isSafeInteger(m.seq) && m.seq > 0));
      assert.deepEqual(kept[0], { seq: kept[0].seq, receivedAt: RECEIVED, envelope: m1.envelope });
      assert.deepEqual(kept[2], { seq: kept[2].seq, receivedAt: '2026-11-25T08:00:01.000Z', envelope: m5.envelope });
      assert.deepEqual(await store.forUser('alice', 0, 100), kept, 'readable at once, exactly as admitted');
      assert.deepEqual(await store.admit(m1), { refused: 'replay' }, 'and a replay later on');
      assert.deepEqual(await store.admit({ ...admission(carol, 'bob', { id: m5.envelope.id }) }), { refused: 'replay' }, 'whoever sends the id again');
      assert.deepEqual(ids(await store.forUser('bob', 0, 100)), [m1, m2, m5].map((a) => a.envelope.id));
    });

    it('acknowledges nothing it could not commit, and goes on with the next', async () => {
      const { store } = await fresh();
      const broken = admission(alice, 'bob');
      broken.envelope = { ...broken.envelope, from: null as unknown as string }; // from_login is NOT NULL
      broken.envelope.sig = sign('sha256', Buffer.from((broken.signedText = envelopeSigningText(broken.envelope))), {
        key: alice.key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      }).toString('base64');
      const good = admission(alice, 'bob');
      const [g, b] = await Promise.allSettled([store.admit(good), store.admit(broken)]);
      assert.equal(b.status, 'rejected');
      assert.match(String((b as PromiseRejectedResult).reason), /storing the message failed/);
      const visible = ids(await store.forUser('bob', 0, 100));
      // Committed with it or not at all: whatever was not acknowledged is not there.
      assert.deepEqual(visible, g.status === 'fulfilled' ? [good.envelope.id] : []);
      const next = admission(alice, 'bob');
      stored(await store.admit(next));
      assert.ok(ids(await store.forUser('bob', 0, 100)).includes(next.envelope.id));
      if (g.status === 'rejected') assert.deepEqual(await store.admit(good).then(stored).then((m) => m.envelope.id), good.envelope.id, 'an admission refused with the batch can be sent again');
    });

    it('pages a conversation oldest first after a cursor, or the newest page before one, in both directions and no other', async () => {
      const { store } = await fresh();
      const plan: [Signer, string][] = [
        [alice, 'bob'],
        [bob, 'alice'],
        [alice, 'carol'],
        [carol, 'bob'],
        [alice, 'bob'],
        [bob, 'alice'],
        [bob, 'carol'],
        [alice, 'bob'],
      ];
      const all: StoredMessage[] = [];
      for (const [from, to] of plan) all.push(stored(await store.admit(admission(from, to))));
      const ab = all.filter((m) => [m.envelope.from, m.envelope.to].sort().join() === 'alice,bob');
      const seqs = (ms: StoredMessage[]) => ms.map((m) => m.seq);
      assert.deepEqual(await store.conversation('alice', 'bob', { limit: 100 }), ab);
      assert.deepEqual(await store.conversation('bob', 'alice', { limit: 100 }), ab, 'the same either way round');
      assert.deepEqual(seqs(await store.conversation('alice', 'bob', { limit: 2 })), seqs(ab.slice(0, 2)));
      assert.deepEqual(seqs(await store.conversation('alice', 'bob', { after: ab[1].seq, limit: 2 })), seqs(ab.slice(2, 4)));
      assert.deepEqual(seqs(await store.conversation('alice', 'bob', { after: ab[4].seq, limit: 2 })), []);
      assert.deepEqual(seqs(await store.conversation('alice', 'bob', { before: Number.MAX_SAFE_INTEGER, limit: 2 })), seqs(ab.slice(3)), 'the newest page, oldest first');
      assert.deepEqual(seqs(await store.conversation('alice', 'bob', { before: ab[3].seq, limit: 2 })), seqs(ab.slice(1, 3)));
      assert.deepEqual(seqs(await store.conversation('alice', 'bob', { before: ab[0].seq, limit: 2 })), []);
      assert.deepEqual(seqs(await store.conversation('alice', 'bob', { before: ab[2].seq, after: 0, limit: 10 })), seqs(ab.slice(0, 2)), 'before wins over after');
      assert.deepEqual(await store.conversation('alice', 'dave', { limit: 10 }), []);
      assert.deepEqual(await store.conversation('alice', 'alice', { limit: 10 }), []);
      assert.deepEqual(await store.conversation('Alice', 'bob', { limit: 10 }), [], 'logins compare exactly');
    });

    it("gives a user everything they sent or received after a seq, oldest first, and no one else's", async () => {
      const { store } = await fresh();
      const all: StoredMessage[] = [];
      for (const [from, to] of [[alice, 'bob'], [carol, 'bob'], [bob, 'carol'], [alice, 'carol'], [bob, 'alice']] as const) {
        all.push(stored(await store.admit(admission(from, to))));
      }
      const bobs = all.filter((m) => m.envelope.from === 'bob' || m.envelope.to === 'bob');
      assert.deepEqual(await store.forUser('bob', 0, 100), bobs);
      assert.deepEqual(await store.forUser('bob', 0, 2), bobs.slice(0, 2));
      assert.deepEqual(await store.forUser('bob', bobs[1].seq, 100), bobs.slice(2));
      assert.deepEqual(await store.forUser('bob', bobs[3].seq, 100), []);
      assert.deepEqual(await store.forUser('dave', 0, 100), []);
    });

    it('keeps delivery marks that only move forward, here at once and for other instances once written', async () => {
      const { store, another } = await fresh();
      const other = await another();
      assert.equal(await store.deliveredUpTo('bob'), 0);
      await store.markDelivered('bob', 5);
      await store.markDelivered('bob', 3);
      assert.equal(await store.deliveredUpTo('bob'), 5);
      assert.equal(await store.deliveredUpTo('alice'), 0);
      await sleep(DELIVERY_WRITTEN_MS);
      assert.equal(await other.deliveredUpTo('bob'), 5);
      await other.markDelivered('bob', 4); // a slower instance's older mark
      assert.equal(await other.deliveredUpTo('bob'), 5);
      await store.markDelivered('alice', 2);
      await sleep(DELIVERY_WRITTEN_MS);
      assert.equal(await store.deliveredUpTo('bob'), 5);
      assert.equal(await other.deliveredUpTo('alice'), 2);
      await other.markDelivered('bob', 9);
      await sleep(DELIVERY_WRITTEN_MS);
      assert.equal(await store.deliveredUpTo('bob'), 9);
    });

    it('writes the delivery marks still waiting when it closes', async () => {
      const { store, another } = await fresh();
      const closing = await another();
      await closing.markDelivered('carol', 7);
      await closing.close(); // well within the write-behind's 200 ms
      assert.equal(await store.deliveredUpTo('carol'), 7);
    });

    it('answers every admission made before it closes, then refuses', async () => {
      const { another } = await fresh();
      const store = await another();
      const pending = [store.admit(admission(alice, 'bob')), store.admit(admission(alice, 'bob'))];
      const closed = store.close();
      assert.ok((await Promise.all(pending)).every((r) => 'stored' in r));
      await closed;
      await assert.rejects(store.admit(admission(alice, 'bob')), /stopped|closed/);
    });

    it('shows another instance what it admitted as soon as the admission is answered', async () => {
      const { store, another } = await fresh();
      const other = await another();
      for (let i = 0; i < 5; i++) {
        const m = stored(await store.admit(admission(alice, 'bob')));
        assert.deepEqual((await other.forUser('bob', m.seq - 1, 10))[0], m);
      }
    });

    it('stores a replay sent to two instances at once exactly once', async () => {
      const { store, another } = await fresh();
      const other = await another();
      const sent = Array.from({ length: 20 }, () => admission(alice, 'bob'));
      const results = await Promise.all(sent.map((a, i) => Promise.all(i % 2 ? [store.admit(a), other.admit(a)] : [other.admit(a), store.admit(a)])));
      for (const pair of results) {
        assert.deepEqual(pair.map((r) => ('stored' in r ? 'stored' : r.refused)).sort(), ['replay', 'stored']);
      }
      const all = await store.forUser('bob', 0, 1000);
      assert.deepEqual(ids(all).sort(), sent.map((a) => a.envelope.id).sort());
    });

    it('makes seqs visible in order while two instances admit at once: every message once, and a reader resuming after the last seq it saw misses none', async () => {
      const { store, another } = await fresh();
      const [a, b, reader] = [store, await another(), await another()];
      const PER_INSTANCE = 160;
      const SENDERS = 8; // concurrent requests per instance
      const plan = (s: Signer, to: string) => Array.from({ length: PER_INSTANCE }, () => admission(s, to)); // signed before the burst
      const work = [
        { store: a, todo: plan(alice, 'bob'), answered: [] as number[] },
        { store: b, todo: plan(bob, 'alice'), answered: [] as number[] },
      ];
      let done = false;
      // A stream's resumption: after the newest seq seen, again and again.
      const resumed: StoredMessage[] = [];
      const resume = async () => {
        let last = 0;
        for (;;) {
          // Only an empty page read after the writers finished means the end: one read earlier may
          // have come before their last commits.
          const finished = done;
          const page = await reader.forUser('bob', last, 50);
          for (const m of page) {
            assert.ok(m.seq > last);
            resumed.push(m);
            last = m.seq;
          }
          if (page.length === 0 && finished) break;
          await nextTurn(); // a store that answers at once (SQLite's reads) would otherwise starve the writers
        }
      };
      // And what a whole read shows each time: never a seq while a smaller one is still to come.
      const snapshots: number[][] = [];
      const watch = async () => {
        while (!done) {
          snapshots.push((await reader.forUser('bob', 0, 10_000)).map((m) => m.seq));
          await nextTurn();
        }
      };
      const send = async (w: (typeof work)[number]) => {
        for (let next = w.todo.shift(); next; next = w.todo.shift()) w.answered.push(stored(await w.store.admit(next)).seq);
      };
      const readers = [resume(), watch()];
      await Promise.all(work.flatMap((w) => Array.from({ length: SENDERS }, () => send(w))));
      done = true;
      await Promise.all(readers);

      const final = await reader.forUser('bob', 0, 10_000);
      const finalSeqs = final.map((m) => m.seq);
      assert.equal(final.length, 2 * PER_INSTANCE, 'every admitted message is stored');
      assert.equal(new Set(ids(final)).size, final.length, 'each once');
      assert.deepEqual(new Set(finalSeqs), new Set(work.flatMap((w) => w.answered)), 'under the seqs the admissions were answered with');
      for (const w of work) assert.ok(ascending(w.answered), 'each instance answers in ascending seq order');
      assert.deepEqual(ids(resumed), ids(final), 'the resuming reader saw every message, once, in order');
      for (const seen of snapshots) {
        const top = seen.length ? seen[seen.length - 1] : 0;
        assert.deepEqual(seen, finalSeqs.filter((s) => s <= top), 'a visible seq implies every smaller one is visible');
      }
      assert.ok(snapshots.length > 1);
    });
  });
}

export interface GroupMessagesFixture {
  store: MessageStore;
  /** The groups, in the same storage as the messages. */
  groups: GroupStore;
  close(): Promise<void>;
}

const AT = '2026-11-25T07:00:00.000Z';

/**
 * Group messages (protocol §7), on every adapter including the fake: stored only at the group's
 * epoch now, and shown to each member for the epochs they were one, from the one that added them
 * up to the one that removed them.
 */
export function groupMessagesContract(name: string, factory: () => Promise<GroupMessagesFixture>): void {
  describe(`MessageStore contract, group messages: ${name}`, () => {
    const fresh = freshFixtures(factory);
    const people = Object.fromEntries(['alice', 'bob', 'carol', 'dave', 'erin'].map((l) => [l, signer(l)]));
    const { alice, bob, carol, dave, erin } = people;

    it('stores a group message with its epoch only while the group is at that epoch; a stale one is refused and nothing stored', async () => {
      const { store, groups } = await fresh();
      const g = newGroup('alice', ['bob', 'carol']);
      await groups.create(g, 'alice');
      const first = groupAdmission(alice, g.id, 1);
      const m1 = stored(await store.admit(first));
      assert.deepEqual(m1, { seq: m1.seq, receivedAt: RECEIVED, envelope: first.envelope });
      assert.equal(await groups.apply(g.id, { op: 'add', login: 'dave', by: 'alice', at: AT, epoch: 2 }), true);
      const late = groupAdmission(bob, g.id, 1);
      assert.deepEqual(await store.admit(late), { refused: 'stale_epoch' }, 'sealed before dave was added');
      assert.deepEqual(await store.admit(groupAdmission(bob, g.id, 3)), { refused: 'stale_epoch' }, 'an epoch still to come');
      assert.deepEqual(await store.admit(groupAdmission(bob, newGroup('bob', ['alice']).id, 1)), { refused: 'stale_epoch' }, 'no such group');
      assert.deepEqual(await store.admit(first), { refused: 'replay' }, 'stored already: a replay, whatever the epoch now');
      assert.deepEqual(ids(await store.conversation('alice', groupAddress(g.id), { limit: 10 })), [first.envelope.id], 'nothing of the refused ones');
      assert.deepEqual(ids(await store.forUser('bob', 0, 10)), [first.envelope.id]);
      const again = stored(await store.admit({ ...groupAdmission(bob, g.id, 2, { id: late.envelope.id }) }));
      assert.ok(again.seq > m1.seq, 'the refused id sealed again at the epoch now is stored');
      const [batchStale, batchGood, batchReplay] = await Promise.all([
        store.admit(groupAdmission(carol, g.id, 1)),
        store.admit(groupAdmission(carol, g.id, 2)),
        store.admit(first),
      ]);
      assert.deepEqual([batchStale, batchReplay], [{ refused: 'stale_epoch' }, { refused: 'replay' }], 'within one batch too');
      assert.deepEqual(ids(await store.forUser('dave', 0, 10)), [again.envelope.id, stored(batchGood).envelope.id]);
    });

    it('shows each member the messages of the epochs they were a member: not before joining, nothing after removal, again after re-adding; 1:1 as before', async () => {
      const { store, groups } = await fresh();
      const g = newGroup('alice', ['bob', 'carol']);
      const h = newGroup('erin', ['alice']);
      await groups.create(g, 'alice');
      await groups.create(h, 'erin');
      const to = groupAddress(g.id);
      let epoch = 1;
      const change = async (op: 'add' | 'remove', login: string) => assert.equal(await groups.apply(g.id, { op, login, by: 'alice', at: AT, epoch: ++epoch }), true);
      const send = async (from: Signer, at: number) => stored(await store.admit(groupAdmission(from, g.id, at)));
      const one = async (from: Signer, peer: string) => stored(await store.admit(admission(from, peer)));

      const m1 = await send(alice, 1);
      const ab = await one(alice, 'bob');
      const m2 = await send(bob, 1);
      const h1 = stored(await store.admit(groupAdmission(erin, h.id, 1)));
      await change('add', 'dave'); // epoch 2
      const m3 = await send(carol, 2);
      const bc = await one(bob, 'carol');
      const m4 = await send(dave, 2);
      await change('remove', 'bob'); // epoch 3
      const m5 = await send(alice, 3);
      const cb = await one(carol, 'bob');
      await change('add', 'bob'); // epoch 4: back again
      const m6 = await send(dave, 4);
      await change('remove', 'bob'); // epoch 5: gone for good
      const m7 = await send(carol, 5);

      const seqs = (ms: StoredMessage[]) => ms.map((m) => m.seq);
      const conv = async (login: string, page: { after?: number; before?: number; limit: number } = { limit: 100 }) => seqs(await store.conversation(login, to, page));
      assert.deepEqual(await conv('alice'), seqs([m1, m2, m3, m4, m5, m6, m7]));
      assert.deepEqual(await conv('carol'), seqs([m1, m2, m3, m4, m5, m6, m7]));
      assert.deepEqual(await conv('bob'), seqs([m1, m2, m3, m4, m6]), 'up to the removal, and while re-added');
      assert.deepEqual(await conv('dave'), seqs([m3, m4, m5, m6, m7]), 'from the epoch that added him');
      assert.deepEqual(await conv('erin'), [], 'never a member');
      assert.deepEqual(await conv('bob', { after: m2.seq, limit: 2 }), seqs([m3, m4]));
      assert.deepEqual(await conv('bob', { after: m4.seq, limit: 2 }), seqs([m6]));
      assert.deepEqual(await conv('bob', { before: Number.MAX_SAFE_INTEGER, limit: 2 }), seqs([m4, m6]), 'the newest page he may see');
      assert.deepEqual(await conv('dave', { before: m5.seq, limit: 10 }), seqs([m3, m4]));
      assert.deepEqual(await conv('alice', { before: m1.seq, limit: 10 }), []);
      assert.deepEqual(seqs(await store.conversation('erin', groupAddress(h.id), { limit: 10 })), seqs([h1]));

      assert.deepEqual(seqs(await store.forUser('bob', 0, 100)), seqs([m1, ab, m2, m3, bc, m4, cb, m6]));
      assert.deepEqual(seqs(await store.forUser('bob', 0, 3)), seqs([m1, ab, m2]));
      assert.deepEqual(seqs(await store.forUser('bob', m4.seq, 100)), seqs([cb, m6]));
      assert.deepEqual(seqs(await store.forUser('bob', m6.seq, 100)), [], 'nothing after his removal');
      assert.deepEqual(seqs(await store.forUser('dave', 0, 100)), seqs([m3, m4, m5, m6, m7]));
      assert.deepEqual(seqs(await store.forUser('alice', 0, 100)), seqs([m1, ab, m2, h1, m3, m4, m5, m6, m7]), 'both groups');
      assert.deepEqual(seqs(await store.forUser('alice', m3.seq, 2)), seqs([m4, m5]));
      assert.deepEqual(seqs(await store.forUser('erin', 0, 100)), seqs([h1]));

      assert.deepEqual(seqs(await store.conversation('alice', 'bob', { limit: 100 })), seqs([ab]), '1:1 shows no group message');
      assert.deepEqual(seqs(await store.conversation('bob', 'carol', { limit: 100 })), seqs([bc, cb]));
      assert.deepEqual(seqs(await store.conversation('carol', 'bob', { before: Number.MAX_SAFE_INTEGER, limit: 100 })), seqs([bc, cb]));
    });
  });
}
