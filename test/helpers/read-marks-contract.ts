// The ReadMarkStore port's contract (src/chat/read-marks.ts), one suite for every adapter (SQLite,
// PostgreSQL): each test file calls readMarksContract with a factory that opens fresh, empty read
// marks beside the message store they count (messages are admitted with real signatures, as the
// relay admits them), and more read marks over the same storage, as other instances hold.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageStore, StoredMessage } from '../../src/chat/messages.ts';
import type { ConversationSummary, ReadMarkStore } from '../../src/chat/read-marks.ts';
import { admission, signer, stored, type Signer } from './messages-contract.ts';
import { freshFixtures } from './contract-fixtures.ts';

export interface ReadMarksFixture {
  marks: ReadMarkStore;
  /** The messages the marks count, in the same storage. */
  messages: MessageStore;
  /** The same marks through connections of their own: another instance. */
  another(): Promise<ReadMarkStore>;
  close(): Promise<void>;
}

const byPeer = (xs: ConversationSummary[]) => [...xs].sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));

export function readMarksContract(name: string, factory: () => Promise<ReadMarksFixture>): void {
  describe(`ReadMarkStore contract: ${name}`, () => {
    const opened = freshFixtures(factory);
    const fresh = async () => {
      const f = await opened();
      const send = async (from: Signer, to: string, receivedAt?: string): Promise<StoredMessage> =>
        stored(await f.messages.admit(admission(from, to, receivedAt ? { receivedAt } : {})));
      return { ...f, send };
    };
    const people = Object.fromEntries(['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((l) => [l, signer(l)]));
    const { alice, bob, carol } = people;

    it("sums up each of someone's conversations: unread from the peer above their mark, the newest message either way, the peer's own mark", async () => {
      const { marks, send } = await fresh();
      assert.deepEqual(await marks.conversations('alice'), [], 'nothing exchanged yet');
      assert.deepEqual(await marks.conversation('alice', 'bob'), { peer: 'bob', unread: 0, lastSeq: 0, lastAt: '' });
      const b1 = await send(bob, 'alice', '2026-06-01T10:00:01.000Z');
      await send(bob, 'alice', '2026-06-01T10:00:02.000Z');
      const a1 = await send(alice, 'bob', '2026-06-01T10:00:03.000Z');
      const c1 = await send(carol, 'alice', '2026-06-01T10:00:04.000Z');
      await send(bob, 'carol'); // none of alice's business

      assert.deepEqual(byPeer(await marks.conversations('alice')), [
        { peer: 'bob', unread: 2, lastSeq: a1.seq, lastAt: '2026-06-01T10:00:03.000Z' },
        { peer: 'carol', unread: 1, lastSeq: c1.seq, lastAt: '2026-06-01T10:00:04.000Z' },
      ]);
      assert.deepEqual(await marks.conversation('alice', 'bob'), { peer: 'bob', unread: 2, lastSeq: a1.seq, lastAt: '2026-06-01T10:00:03.000Z' });
      assert.deepEqual(byPeer(await marks.conversations('bob')).map((s) => [s.peer, s.unread]), [['alice', 1], ['carol', 0]]);
      assert.equal((await marks.conversation('carol', 'alice')).unread, 0, 'what one sent is never unread for them');

      // Bob reads up to alice's message: alice's summary shows how far, with that message's id.
      assert.equal(await marks.mark('bob', 'alice', a1.seq), true);
      assert.deepEqual((await marks.conversation('alice', 'bob')).seen, { upTo: a1.seq, id: a1.envelope.id });
      assert.deepEqual((await marks.conversations('alice')).find((s) => s.peer === 'bob')?.seen, { upTo: a1.seq, id: a1.envelope.id });
      assert.equal((await marks.conversation('bob', 'alice')).unread, 0);
      assert.equal((await marks.conversation('bob', 'alice')).seen, undefined, 'alice has read nothing');
      // A mark on bob's own message counts everything before it as read too.
      assert.equal(await marks.mark('alice', 'bob', b1.seq), true);
      assert.equal((await marks.conversation('alice', 'bob')).unread, 1);
      assert.equal(await marks.mark('alice', 'bob', a1.seq), true);
      assert.equal((await marks.conversation('alice', 'bob')).unread, 0);
    });

    it('finds every peer once, whether they wrote, were written to, or both, and never the person themselves', async () => {
      const { marks, send } = await fresh();
      const { dave, erin, frank } = people;
      for (const [from, to] of [[bob, 'alice'], [alice, 'carol'], [dave, 'alice'], [alice, 'dave'], [erin, 'alice'], [bob, 'alice'], [alice, 'frank'], [frank, 'bob']] as const) {
        await send(from, to);
      }
      await send(erin, 'dave');
      assert.deepEqual((await marks.conversations('alice')).map((s) => s.peer).sort(), ['bob', 'carol', 'dave', 'erin', 'frank']);
      assert.deepEqual((await marks.conversations('frank')).map((s) => s.peer).sort(), ['alice', 'bob']);
      assert.deepEqual((await marks.conversations('nobody')), []);
      assert.deepEqual(
        byPeer(await marks.conversations('alice')).map((s) => [s.peer, s.unread]),
        [['bob', 2], ['carol', 0], ['dave', 1], ['erin', 1], ['frank', 0]],
      );
    });

    it('moves a mark forward only, saying whether it moved', async () => {
      const { marks, send } = await fresh();
      const m = [];
      for (let i = 0; i < 4; i++) m.push(await send(bob, 'alice'));
      assert.equal(await marks.mark('alice', 'bob', m[1].seq), true);
      assert.equal((await marks.conversation('alice', 'bob')).unread, 2);
      assert.equal(await marks.mark('alice', 'bob', m[0].seq), false, 'an older message reported later changes nothing');
      assert.equal(await marks.mark('alice', 'bob', m[1].seq), false, 'nor does the same one again');
      assert.equal((await marks.conversation('alice', 'bob')).unread, 2);
      assert.deepEqual((await marks.conversation('bob', 'alice')).seen, { upTo: m[1].seq, id: m[1].envelope.id });
      assert.equal(await marks.mark('alice', 'bob', m[3].seq), true);
      assert.equal((await marks.conversation('alice', 'bob')).unread, 0);
      assert.equal((await marks.conversation('carol', 'bob')).unread, 0, "one reader's mark is no one else's");
    });

    it('keeps the highest of marks made at once by two instances, which another instance sees at once', async () => {
      const { marks, another, send } = await fresh();
      const other = await another();
      const m: StoredMessage[] = [];
      for (let i = 0; i < 30; i++) m.push(await send(bob, 'alice'));
      for (const round of [0, 1, 2]) {
        const seqs = m.slice(round * 10, round * 10 + 10).map((x) => x.seq);
        const shuffled = [...seqs].sort(() => Math.random() - 0.5);
        const moved = await Promise.all(shuffled.map((seq, i) => (i % 2 ? marks : other).mark('alice', 'bob', seq)));
        const top = Math.max(...seqs);
        assert.equal(moved[shuffled.indexOf(top)], true, 'the highest mark moved it');
        for (const store of [marks, other]) {
          assert.equal((await store.conversation('alice', 'bob')).unread, 30 - (round + 1) * 10);
          assert.equal((await store.conversation('bob', 'alice')).seen?.upTo, top);
        }
      }
    });

    it('keeps read receipts on unless turned off, for everyone to see', async () => {
      const { marks, another } = await fresh();
      const other = await another();
      assert.equal(await marks.receiptsOn('alice'), true);
      await marks.setReceipts('alice', false);
      await marks.setReceipts('alice', false); // twice is once
      assert.equal(await marks.receiptsOn('alice'), false);
      assert.equal(await other.receiptsOn('alice'), false);
      assert.equal(await marks.receiptsOn('bob'), true);
      await other.setReceipts('alice', true);
      await other.setReceipts('alice', true);
      assert.equal(await marks.receiptsOn('alice'), true);
    });

    it('names a message by its seq and tells whether it is between two people', async () => {
      const { marks, send } = await fresh();
      const ab = await send(alice, 'bob');
      const ba = await send(bob, 'alice');
      const cb = await send(carol, 'bob');
      assert.equal(await marks.messageId(ab.seq), ab.envelope.id);
      assert.equal(await marks.messageId(cb.seq), cb.envelope.id);
      assert.equal(await marks.messageId(cb.seq + 1000), undefined);
      assert.equal(await marks.inConversation('alice', 'bob', ab.seq), true);
      assert.equal(await marks.inConversation('bob', 'alice', ab.seq), true);
      assert.equal(await marks.inConversation('alice', 'bob', ba.seq), true);
      assert.equal(await marks.inConversation('carol', 'bob', ab.seq), false, "someone else's conversation");
      assert.equal(await marks.inConversation('alice', 'carol', ab.seq), false);
      assert.equal(await marks.inConversation('alice', 'bob', cb.seq), false);
      assert.equal(await marks.inConversation('alice', 'alice', ab.seq), false, 'oneself is no peer');
      assert.equal(await marks.inConversation('alice', 'bob', cb.seq + 1000), false, 'no such message');
    });
  });
}
