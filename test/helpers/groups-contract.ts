// The GroupStore port's contract (src/chat/groups.ts, protocol §7), one suite for every adapter
// (SQLite, PostgreSQL, the in-memory fake): each test file calls groupsContract with a factory that
// opens an empty store, and a second one over the same storage as another instance would hold.
// What matters most: a change is applied only at the epoch after the group's, so of two admins on
// two instances changing a group at the same epoch exactly one wins and epochs never repeat; and
// the history keeps every change, so a former member is still known as one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupStore, StoredGroupChange } from '../../src/chat/groups.ts';
import type { Group, GroupMember } from '../../src/protocol/groups.ts';
import { freshFixtures } from './contract-fixtures.ts';

export interface GroupsFixture {
  store: GroupStore;
  /** The same groups through a connection of their own: another instance. */
  another(): Promise<GroupStore>;
  close(): Promise<void>;
}

const T0 = '2026-06-01T12:00:00.000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();
/** A lowercase UUIDv4 numbered `n`. */
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
let made = 0;

/** A group created by `creator` (admin) with `others` (members), at T0. */
export function newGroup(creator: string, others: string[], name = 'Procurement'): Group {
  return {
    id: uuid(++made),
    name,
    epoch: 1,
    createdAt: T0,
    members: [{ login: creator, role: 'admin', since: T0 }, ...others.map((login): GroupMember => ({ login, role: 'member', since: T0 }))],
  };
}

export function groupsContract(name: string, factory: () => Promise<GroupsFixture>): void {
  describe(`GroupStore contract: ${name}`, () => {
    const fresh = freshFixtures(factory);

    it('creates a group at epoch 1 with its create change, and finds it by id and by member', async () => {
      const { store } = await fresh();
      // Logins out of order: members come back by since, then login.
      const g = newGroup('carol', ['erin', 'bob'], 'Équipe « achats »');
      assert.equal(await store.get(g.id), undefined);
      await store.create(g, 'carol');
      const read = await store.get(g.id);
      assert.deepEqual(read, { ...g, members: [g.members[2], g.members[0], g.members[1]] });
      assert.deepEqual(await store.history(g.id), [
        { id: g.id, epoch: 1, change: { op: 'create', name: 'Équipe « achats »', members: ['carol', 'erin', 'bob'], by: 'carol', at: T0 } },
      ]);
      const other = newGroup('bob', ['dave']);
      await store.create(other, 'bob');
      assert.deepEqual((await store.forMember('bob')).map((x) => x.id), [g.id, other.id].sort());
      assert.deepEqual(await store.forMember('erin'), [read]);
      assert.deepEqual(await store.forMember('dave'), [await store.get(other.id)]);
      assert.deepEqual(await store.forMember('zoe'), []);
      assert.deepEqual(await store.forMember('Bob'), [], 'logins compare exactly');
      await assert.rejects(store.create({ ...g, name: 'Again' }, 'carol'), 'one group per id');
      assert.equal((await store.get(g.id))?.name, 'Équipe « achats »');
      assert.deepEqual(await store.history(uuid(0xfffff)), []);
    });

    it('applies each kind of change at the next epoch, and keeps it in the history with only the fields it has', async () => {
      const { store } = await fresh();
      const g = newGroup('alice', ['bob', 'carol']);
      await store.create(g, 'alice');
      const changes: StoredGroupChange[] = [
        { op: 'add', login: 'dave', by: 'alice', at: at(1), epoch: 2 },
        { op: 'remove', login: 'bob', by: 'alice', at: at(2), epoch: 3 },
        { op: 'rename', name: 'Purchasing', by: 'alice', at: at(3), epoch: 4 },
        { op: 'admin', login: 'dave', by: 'alice', at: at(4), epoch: 5 },
        { op: 'leave', login: 'carol', by: 'carol', at: at(5), epoch: 6 },
      ];
      const expected: Group[] = [];
      let members = g.members;
      for (const c of changes) {
        if (c.op === 'add') members = [...members, { login: c.login!, role: 'member', since: c.at }];
        if (c.op === 'remove' || c.op === 'leave') members = members.filter((m) => m.login !== c.login);
        if (c.op === 'admin') members = members.map((m) => (m.login === c.login ? { ...m, role: 'admin' } : m));
        expected.push({ ...g, name: c.op === 'rename' ? c.name! : (expected.at(-1)?.name ?? g.name), epoch: c.epoch, members });
      }
      for (const [i, c] of changes.entries()) {
        assert.equal(await store.apply(g.id, c), true, c.op);
        assert.deepEqual(await store.get(g.id), expected[i], `after ${c.op}`);
      }
      const history = await store.history(g.id);
      assert.deepEqual(
        history.slice(1),
        changes.map(({ epoch, ...change }) => ({ id: g.id, epoch, change })),
      );
      assert.ok(!('name' in history[1].change) && !('members' in history[1].change), 'no undefined fields');
      assert.ok(!('login' in history[3].change));
      assert.deepEqual((await store.forMember('dave')).map((x) => x.id), [g.id]);
      assert.deepEqual(await store.forMember('bob'), [], 'removed');
      assert.deepEqual(await store.forMember('carol'), [], 'left');
    });

    it('changes nothing at any epoch but the next one, nor in a group that does not exist', async () => {
      const { store } = await fresh();
      const g = newGroup('alice', ['bob']);
      await store.create(g, 'alice');
      const add = (epoch: number): StoredGroupChange => ({ op: 'add', login: 'carol', by: 'alice', at: at(1), epoch });
      assert.equal(await store.apply(g.id, add(1)), false, 'the epoch it is at');
      assert.equal(await store.apply(g.id, add(3)), false, 'one too far');
      assert.equal(await store.apply(uuid(0xfffff), add(2)), false, 'no such group');
      assert.deepEqual(await store.get(g.id), g);
      assert.equal((await store.history(g.id)).length, 1);
      assert.equal(await store.everMember(g.id, 'carol'), false);
      assert.equal(await store.apply(g.id, add(2)), true);
      assert.equal(await store.apply(g.id, { op: 'rename', name: 'Late', by: 'alice', at: at(2), epoch: 2 }), false, 'a change read at epoch 1, after the add');
      assert.equal((await store.get(g.id))?.name, g.name);
    });

    it('of two changes at the same epoch from two instances, applies exactly one', async () => {
      const { store, another } = await fresh();
      const other = await another();
      const g = newGroup('alice', ['bob', 'carol']);
      await store.create(g, 'alice');
      for (let epoch = 2; epoch < 12; epoch++) {
        const mine: StoredGroupChange = { op: 'rename', name: `Mine ${epoch}`, by: 'alice', at: at(epoch), epoch };
        const theirs: StoredGroupChange = epoch % 2 ? { op: 'add', login: `user${epoch}`, by: 'bob', at: at(epoch), epoch } : { op: 'rename', name: `Theirs ${epoch}`, by: 'bob', at: at(epoch), epoch };
        const won = await Promise.all(epoch % 3 ? [store.apply(g.id, mine), other.apply(g.id, theirs)] : [other.apply(g.id, theirs), store.apply(g.id, mine)]);
        assert.deepEqual(won.filter(Boolean).length, 1, `epoch ${epoch}: ${won}`);
      }
      const history = await other.history(g.id);
      assert.deepEqual(history.map((e) => e.epoch), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 'every epoch once');
      const now = await store.get(g.id);
      assert.equal(now?.epoch, 11);
      const lastRename = history.filter((e) => e.change.op === 'rename').at(-1);
      assert.equal(now?.name, lastRename?.change.name, 'the name of the rename that won last');
      const added = history.filter((e) => e.change.op === 'add').map((e) => e.change.login);
      assert.deepEqual(now?.members.map((m) => m.login).sort(), ['alice', 'bob', 'carol', ...added].sort(), 'only the adds that won');
    });

    it('knows who was ever a member: a removed one and a re-added one too, never a stranger', async () => {
      const { store, another } = await fresh();
      const g = newGroup('alice', ['bob']);
      await store.create(g, 'alice');
      assert.equal(await store.apply(g.id, { op: 'add', login: 'carol', by: 'alice', at: at(1), epoch: 2 }), true);
      assert.equal(await store.apply(g.id, { op: 'remove', login: 'bob', by: 'alice', at: at(2), epoch: 3 }), true);
      assert.equal(await store.apply(g.id, { op: 'leave', login: 'carol', by: 'carol', at: at(3), epoch: 4 }), true);
      assert.equal(await store.apply(g.id, { op: 'add', login: 'carol', by: 'alice', at: at(4), epoch: 5 }), true);
      const other = await another();
      for (const s of [store, other]) {
        assert.equal(await s.everMember(g.id, 'alice'), true);
        assert.equal(await s.everMember(g.id, 'bob'), true, 'removed, still a former member');
        assert.equal(await s.everMember(g.id, 'carol'), true);
        assert.equal(await s.everMember(g.id, 'dave'), false);
        assert.equal(await s.everMember(uuid(0xfffff), 'alice'), false);
        // Former: removed and not back; carol, back again, is a member, not a former one.
        assert.deepEqual(await s.formerOf('bob'), [g.id]);
        assert.deepEqual(await s.formerOf('carol'), []);
        assert.deepEqual(await s.formerOf('alice'), []);
        assert.deepEqual(await s.formerOf('dave'), []);
      }
      assert.deepEqual((await store.get(g.id))?.members, [
        { login: 'alice', role: 'admin', since: T0 },
        { login: 'carol', role: 'member', since: at(4) },
      ], 're-added: member since the second add');
    });
  });
}
