// In-memory fake of the group store (src/chat/groups.ts), mirroring src/store/sqlite/groups.ts:
// current members, membership spans [from, to) of epochs, history, and a change applied only at
// the epoch after the group's. The fake message store (./messages.ts) asks it the same questions
// the SQL adapters ask group_spans: the group's epoch now, and whether someone may see a message
// sealed at some epoch.
import type { GroupStore, StoredGroupChange } from '../../src/chat/groups.ts';
import type { Group, GroupChange, GroupEvent } from '../../src/protocol/groups.ts';

interface Span {
  from: number;
  /** Exclusive; undefined while still a member. */
  to?: number;
}

interface Kept {
  group: Group;
  spans: Map<string, Span[]>;
  history: GroupEvent[];
}

const wire = (c: GroupChange): GroupChange =>
  JSON.parse(JSON.stringify({ op: c.op, login: c.login, name: c.name, members: c.members, by: c.by, at: c.at })) as GroupChange;
const ordered = (g: Group): Group => ({
  ...g,
  members: [...g.members].sort((a, b) => a.since.localeCompare(b.since) || (a.login < b.login ? -1 : a.login > b.login ? 1 : 0)),
});

export class FakeGroupStore implements GroupStore {
  private readonly groups = new Map<string, Kept>();

  async create(g: Group, createdBy: string): Promise<void> {
    if (this.groups.has(g.id)) throw new Error(`group ${g.id} exists`);
    const logins = g.members.map((m) => m.login);
    this.groups.set(g.id, {
      group: structuredClone({ ...g, epoch: 1 }),
      spans: new Map(logins.map((l) => [l, [{ from: 1 }]])),
      history: [{ id: g.id, epoch: 1, change: wire({ op: 'create', name: g.name, members: logins, by: createdBy, at: g.createdAt }) }],
    });
  }

  async get(id: string): Promise<Group | undefined> {
    const k = this.groups.get(id);
    return k && structuredClone(ordered(k.group));
  }

  async forMember(login: string): Promise<Group[]> {
    return [...this.groups.values()]
      .filter((k) => k.group.members.some((m) => m.login === login))
      .map((k) => structuredClone(ordered(k.group)))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async apply(id: string, change: StoredGroupChange): Promise<boolean> {
    const k = this.groups.get(id);
    if (!k || k.group.epoch !== change.epoch - 1) return false;
    const g = k.group;
    const e = change.epoch;
    g.epoch = e;
    const login = change.login;
    if (change.op === 'rename' && change.name !== undefined) g.name = change.name;
    if (change.op === 'add' && login !== undefined && !g.members.some((m) => m.login === login)) {
      g.members.push({ login, role: 'member', since: change.at });
      k.spans.set(login, [...(k.spans.get(login) ?? []), { from: e }]);
    }
    if ((change.op === 'remove' || change.op === 'leave') && login !== undefined) {
      g.members = g.members.filter((m) => m.login !== login);
      for (const s of k.spans.get(login) ?? []) if (s.to === undefined) s.to = e;
    }
    if (change.op === 'admin' && login !== undefined) for (const m of g.members) if (m.login === login) m.role = 'admin';
    k.history.push({ id, epoch: e, change: wire(change) });
    return true;
  }

  async history(id: string): Promise<GroupEvent[]> {
    return structuredClone(this.groups.get(id)?.history ?? []);
  }

  async formerOf(login: string): Promise<string[]> {
    return [...this.groups.values()]
      .filter((k) => (k.spans.get(login)?.length ?? 0) > 0 && !k.group.members.some((m) => m.login === login))
      .map((k) => k.group.id)
      .sort();
  }

  async everMember(id: string, login: string): Promise<boolean> {
    return (this.groups.get(id)?.spans.get(login)?.length ?? 0) > 0;
  }

  /** The group's epoch now (undefined: no such group). */
  epochOf(id: string): number | undefined {
    return this.groups.get(id)?.group.epoch;
  }

  /** Whether `login` was a member of group `id` at `epoch`. */
  memberAt(id: string, login: string, epoch: number): boolean {
    return (this.groups.get(id)?.spans.get(login) ?? []).some((s) => s.from <= epoch && (s.to === undefined || epoch < s.to));
  }

  /** The groups `login` is a member of now, by id. */
  idsOf(login: string): string[] {
    return [...this.groups.values()].filter((k) => k.group.members.some((m) => m.login === login)).map((k) => k.group.id);
  }
}
