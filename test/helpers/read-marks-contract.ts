// The ReadMarkStore port's contract (src/chat/read-marks.ts), one suite for every adapter (SQLite,
// PostgreSQL): each test file calls readMarksContract with a factory that opens fresh, empty read
// marks beside the message store they count (messages are admitted with real signatures, as the
// relay admits them), and more read marks over the same storage, as other instances hold.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageStore, StoredMessage } from '../../src/chat/messages.ts';
import type { ConversationSummary, ReadMarkStore } from '../../src/chat/read-marks.ts';
import type { GroupStore } from '../../src/chat/groups.ts';
import { groupAddress } from '../../src/protocol/groups.ts';
import { admission, groupAdmission, signer, stored, type Signer } from './messages-contract.ts';
import { freshFixtures } from './contract-fixtures.ts';
import { newGroup } from './groups-contract.ts';

export interface ReadMarksFixture {
  marks: ReadMarkStore;
  /** The messages the marks count, in the same storage. */
  messages: MessageStore;
  /** The groups, in the same storage. */
  groups: GroupStore;
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
      const sendToGroup = async (from: Signer, id: string, epoch: number, receivedAt?: string): Promise<StoredMessage> =>
        stored(await f.messages.admit(groupAdmission(from, id, epoch, receivedAt ? { receivedAt } : {})));
      return { ...f, send, sendToGroup };
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

    describe('in groups', () => {
      const AT = '2026-06-01T09:00:00.000Z';
      /** g: alice (admin), bob, carol; then dave added (epoch 2), bob removed (epoch 3). h: erin, alice, no messages. */
      const scene = async () => {
        const f = await fresh();
        const g = newGroup('alice', ['bob', 'carol']);
        const h = newGroup('erin', ['alice']);
        await f.groups.create(g, 'alice');
        await f.groups.create(h, 'erin');
        const m1 = await f.sendToGroup(bob, g.id, 1, '2026-06-01T10:00:01.000Z');
        const m2 = await f.sendToGroup(carol, g.id, 1, '2026-06-01T10:00:02.000Z');
        const m3 = await f.sendToGroup(alice, g.id, 1, '2026-06-01T10:00:03.000Z');
        assert.equal(await f.groups.apply(g.id, { op: 'add', login: 'dave', by: 'alice', at: AT, epoch: 2 }), true);
        const m4 = await f.sendToGroup(carol, g.id, 2, '2026-06-01T10:00:04.000Z');
        assert.equal(await f.groups.apply(g.id, { op: 'remove', login: 'bob', by: 'alice', at: AT, epoch: 3 }), true);
        const m5 = await f.sendToGroup(alice, g.id, 3, '2026-06-01T10:00:05.000Z');
        return { ...f, g: groupAddress(g.id), h: groupAddress(h.id), m: [m1, m2, m3, m4, m5] };
      };

      it("sums up each group someone is a member of now: unread from the others above their mark, at the epochs they were a member; no receipt", async () => {
        const { marks, g, h, m, send } = await scene();
        const ab = await send(alice, 'bob', '2026-06-01T10:00:06.000Z');
        assert.deepEqual(byPeer(await marks.conversations('alice')), byPeer([
          { peer: 'bob', unread: 0, lastSeq: ab.seq, lastAt: '2026-06-01T10:00:06.000Z' },
          { peer: g, unread: 3, lastSeq: m[4].seq, lastAt: '2026-06-01T10:00:05.000Z' },
          { peer: h, unread: 0, lastSeq: 0, lastAt: '' },
        ]), 'her own messages are never unread; a group without messages too; the group address never as a 1:1 peer');
        assert.deepEqual(await marks.conversation('alice', g), { peer: g, unread: 3, lastSeq: m[4].seq, lastAt: '2026-06-01T10:00:05.000Z' });
        assert.deepEqual(await marks.conversation('dave', g), { peer: g, unread: 2, lastSeq: m[4].seq, lastAt: '2026-06-01T10:00:05.000Z' }, 'from his joining on');
        assert.deepEqual(byPeer(await marks.conversations('bob')).map((s) => s.peer), ['alice'], 'removed: the group is no longer his');
        assert.deepEqual(await marks.conversation('bob', g), { peer: g, unread: 3, lastSeq: m[3].seq, lastAt: '2026-06-01T10:00:04.000Z' }, 'up to his removal');
        assert.deepEqual(await marks.conversation('frank', g), { peer: g, unread: 0, lastSeq: 0, lastAt: '' });

        assert.equal(await marks.mark('alice', g, m[1].seq), true);
        assert.equal((await marks.conversation('alice', g)).unread, 1);
        assert.equal(await marks.mark('alice', g, m[0].seq), false, 'only forward');
        assert.equal(await marks.mark('dave', g, m[4].seq), true);
        assert.equal((await marks.conversation('dave', g)).unread, 0);
        assert.equal((await marks.conversation('carol', g)).unread, 3, "one reader's mark is no one else's");
        assert.equal((await marks.conversation('alice', 'bob')).unread, 0, 'the 1:1 conversation counts no group message');
      });

      it('tells whether a seq is a message of the group the reader may see', async () => {
        const { marks, g, h, m, send } = await scene();
        const ab = await send(alice, 'bob');
        assert.equal(await marks.inConversation('alice', g, m[0].seq), true);
        assert.equal(await marks.inConversation('alice', g, m[4].seq), true);
        assert.equal(await marks.inConversation('dave', g, m[2].seq), false, 'before he joined');
        assert.equal(await marks.inConversation('dave', g, m[3].seq), true);
        assert.equal(await marks.inConversation('bob', g, m[3].seq), true, 'before his removal');
        assert.equal(await marks.inConversation('bob', g, m[4].seq), false, 'after it');
        assert.equal(await marks.inConversation('erin', g, m[0].seq), false, 'never a member');
        assert.equal(await marks.inConversation('alice', h, m[0].seq), false, 'another group');
        assert.equal(await marks.inConversation('alice', g, ab.seq), false, 'a 1:1 message');
        assert.equal(await marks.inConversation('alice', 'bob', m[0].seq), false, 'a group message is in no 1:1 conversation');
        assert.equal(await marks.inConversation('alice', g, m[4].seq + 1000), false, 'no such message');
      });

      it("gives every current member's mark on a group", async () => {
        const { marks, g, h, m } = await scene();
        assert.deepEqual(await marks.groupMarks(g), new Map());
        await marks.mark('alice', g, m[2].seq);
        await marks.mark('carol', g, m[0].seq);
        await marks.mark('bob', g, m[3].seq);
        await marks.mark('erin', h, m[4].seq);
        await marks.mark('dave', 'alice', m[4].seq);
        assert.deepEqual(await marks.groupMarks(g), new Map([['alice', m[2].seq], ['carol', m[0].seq]]), 'bob was removed; dave has not read the group');
        assert.deepEqual(await marks.groupMarks(h), new Map([['erin', m[4].seq]]));
      });
    });
  });
}
