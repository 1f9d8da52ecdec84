// The group rules (src/chat/groups.ts) on the in-memory store: what only admins may do, the
// hand-over when the last admin leaves, and two changes at once each landing on an epoch of its own.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Groups } from '../src/chat/groups.ts';
import { DomainError } from '../src/protocol/errors.ts';
import { membersByEpoch, type GroupEvent } from '../src/protocol/groups.ts';
import { FakeGroupStore } from './fakes/groups.ts';

function world(o: { maxMembers?: number } = {}) {
  const store = new FakeGroupStore();
  const told: { to: string[]; e: GroupEvent }[] = [];
  let t = Date.parse('2026-11-30T08:00:00Z');
  const groups = new Groups({
    store,
    exists: async (l) => !l.startsWith('ghost'),
    notify: { group: (to, e) => told.push({ to: [...to].sort(), e }) },
    // Each change a second later, so that `since` orders who joined first.
    now: () => new Date((t += 1000)),
    maxMembers: o.maxMembers ?? 256,
  });
  return { store, groups, told };
}

const code = (err: unknown) => (err instanceof DomainError ? err.code : String(err));

describe('group rules', () => {
  it('lets only admins change a group, and anyone leave', async () => {
    const { groups } = world();
    const g = await groups.create('ann', 'Team', ['bob', 'cid']);
    await assert.rejects(groups.add('bob', g.id, 'dan'), (e) => code(e) === 'forbidden');
    await assert.rejects(groups.rename('bob', g.id, 'Mine'), (e) => code(e) === 'forbidden');
    await assert.rejects(groups.makeAdmin('bob', g.id, 'bob'), (e) => code(e) === 'forbidden');
    await assert.rejects(groups.remove('bob', g.id, 'cid'), (e) => code(e) === 'forbidden');
    await assert.rejects(groups.add('eve', g.id, 'dan'), (e) => code(e) === 'not_found');
    const left = await groups.remove('bob', g.id, 'bob');
    assert.deepEqual(left.members.map((m) => m.login), ['ann', 'cid']);
    assert.equal(left.epoch, 2);
  });

  it('hands over to the member of longest standing, as a change of its own, told to everyone', async () => {
    const { groups, told } = world();
    const g = await groups.create('ann', 'Team', ['cid']);
    await groups.add('ann', g.id, 'bob'); // later than cid, though first by name
    const after = await groups.leave('ann', g.id);
    assert.deepEqual(after.members.map((m) => [m.login, m.role]), [['cid', 'admin'], ['bob', 'member']]);
    assert.deepEqual(told.slice(-2).map(({ to, e }) => [e.epoch, e.change.op, e.change.login, to]), [
      [3, 'leave', 'ann', ['ann', 'bob', 'cid']],
      [4, 'admin', 'cid', ['bob', 'cid']],
    ]);
  });

  it('gives two changes made at once an epoch each, and none is lost', async () => {
    const { groups, store } = world();
    const g = await groups.create('ann', 'Team', ['bob']);
    await groups.makeAdmin('ann', g.id, 'bob');
    await Promise.all([groups.add('ann', g.id, 'cid'), groups.add('bob', g.id, 'dan'), groups.rename('ann', g.id, 'Renamed')]);
    const now = (await store.get(g.id))!;
    assert.equal(now.epoch, 5);
    assert.deepEqual(now.members.map((m) => m.login).sort(), ['ann', 'bob', 'cid', 'dan']);
    assert.equal(now.name, 'Renamed');
    const history = await store.history(g.id);
    assert.deepEqual(history.map((e) => e.epoch), [1, 2, 3, 4, 5]);
    // Who was a member at each epoch follows from the history alone (what a page checks a sender with).
    const at = membersByEpoch(history);
    assert.deepEqual([...at.get(1)!].sort(), ['ann', 'bob']);
    assert.deepEqual([...at.get(5)!].sort(), ['ann', 'bob', 'cid', 'dan']);
  });

  it('refuses a group too small, too large or with unknown members, and an addition to a full one', async () => {
    const { groups, store } = world({ maxMembers: 3 });
    await assert.rejects(groups.create('ann', 'Alone', ['ann']), (e) => code(e) === 'validation');
    await assert.rejects(groups.create('ann', 'Big', ['b', 'c', 'd']), (e) => code(e) === 'validation' && /at most 3/.test((e as DomainError).fields!.members));
    await assert.rejects(groups.create('ann', 'Ghosts', ['bob', 'ghost1']), (e) => code(e) === 'validation' && /"ghost1"/.test((e as DomainError).fields!.members));
    assert.deepEqual(await store.forMember('ann'), []);
    const g = await groups.create('ann', 'Three', ['bob', 'cid']);
    await assert.rejects(groups.add('ann', g.id, 'dan'), (e) => code(e) === 'conflict' && (e as DomainError).extra?.reason === 'group_full');
    await assert.rejects(groups.add('ann', g.id, 'bob'), (e) => code(e) === 'conflict');
    assert.equal((await store.get(g.id))!.epoch, 1);
  });
});
