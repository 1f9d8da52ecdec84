// Group conversations (protocol §7): who is in a group, who may change it, and the epoch that
// every change moves on. The relay accepts a group message only at the group's current epoch, so
// the epoch is what ties each message to the members it was sealed for.
import { DomainError } from '../protocol/errors.ts';
import {
  GROUP_MEMBERS_MIN,
  type Group,
  type GroupChange,
  type GroupEvent,
  type GroupMember,
  type GroupRecord,
  membersByEpoch,
} from '../protocol/groups.ts';
import { errorText } from '../protocol/error-messages.ts';

/** A change as the store applies it: the store knows each op's effect on the members and the name. */
export interface StoredGroupChange extends GroupChange {
  /** The epoch this change moves the group to. */
  epoch: number;
}

/**
 * The group store port. Every change is applied only if the group is still at the epoch the
 * service read, so two admins changing a group at once never lose one of the changes (the later
 * one reads again and retries) and epochs never repeat.
 */
export interface GroupStore {
  /** A new group at epoch 1 with its `create` change; the creator is `members[0]`, as admin. */
  create(g: Group, createdBy: string): Promise<void>;
  get(id: string): Promise<Group | undefined>;
  /** The groups `login` is a member of now. */
  forMember(login: string): Promise<Group[]>;
  /**
   * Applies `change` (epoch = the group's epoch + 1): add a member (role member, since `at`),
   * remove one (remove, leave), rename, make admin. False, and nothing changed, when the group is
   * no longer at `change.epoch - 1`.
   */
  apply(id: string, change: StoredGroupChange): Promise<boolean>;
  /** Every change, oldest first. */
  history(id: string): Promise<GroupEvent[]>;
  /** Whether `login` was a member at some epoch: a former member still reads the history up to their removal. */
  everMember(id: string, login: string): Promise<boolean>;
  /** The groups `login` was a member of and is no longer, by id. */
  formerOf(login: string): Promise<string[]>;
}

export interface GroupNotifier {
  /** To every member before and after the change (protocol §7, `event: group`). */
  group(to: readonly string[], e: GroupEvent): void;
}

export interface GroupsDeps {
  store: GroupStore;
  /** Whether a login is registered. */
  exists: (login: string) => Promise<boolean>;
  notify: GroupNotifier;
  now: () => Date;
  /** `--max-group-members`. */
  maxMembers: number;
  newId?: () => string;
}

/** The history up to the change that last took `login` out of the group, that change included. */
function upToRemoval(history: readonly GroupEvent[], login: string): GroupEvent[] {
  const at = membersByEpoch(history);
  let cut = -1;
  history.forEach((e, i) => {
    const before = at.get(e.epoch - 1);
    if (before?.has(login) && !at.get(e.epoch)?.has(login)) cut = i;
  });
  return history.slice(0, cut + 1);
}

const notFound = (id: string) => new DomainError('not_found', errorText('error.group.notMember', { id }));
const forbidden = () => new DomainError('forbidden', errorText('error.group.adminOnly'));
/** Changes are retried this often when another change came first; then the caller is told to retry. */
const ATTEMPTS = 5;

export class Groups {
  private readonly d: GroupsDeps;
  constructor(deps: GroupsDeps) {
    this.d = deps;
  }

  async create(creator: string, name: string, others: string[]): Promise<Group> {
    const logins = [...new Set(others.filter((l) => l !== creator))];
    const total = logins.length + 1;
    if (total < GROUP_MEMBERS_MIN) throw new DomainError('validation', errorText('error.group.tooFew'), { members: errorText('error.group.tooFew.field') });
    if (total > this.d.maxMembers) {
      throw new DomainError('validation', errorText('error.group.tooMany', { max: this.d.maxMembers }), {
        members: errorText('error.group.tooMany.field', { max: this.d.maxMembers, extra: total - this.d.maxMembers }),
      }, { max: this.d.maxMembers });
    }
    const unknown = (await Promise.all(logins.map(async (l) => ((await this.d.exists(l)) ? undefined : l)))).filter((l) => l !== undefined);
    if (unknown.length) {
      throw new DomainError('validation', errorText('error.group.unknownMembers'), { members: errorText('error.group.unknownMembers.field', { logins: unknown.map((l) => `"${l}"`).join(', ') }) });
    }
    const at = this.d.now().toISOString();
    const group: Group = {
      id: this.d.newId?.() ?? crypto.randomUUID(),
      name,
      epoch: 1,
      createdAt: at,
      members: [{ login: creator, role: 'admin', since: at }, ...logins.map((login): GroupMember => ({ login, role: 'member', since: at }))],
    };
    await this.d.store.create(group, creator);
    this.d.notify.group(group.members.map((m) => m.login), { id: group.id, epoch: 1, change: { op: 'create', name, members: group.members.map((m) => m.login), by: creator, at } });
    return group;
  }

  /** The group, for its members only: anyone else learns nothing, not even that it exists. */
  async get(login: string, id: string): Promise<Group> {
    const g = await this.d.store.get(id);
    if (!g || !g.members.some((m) => m.login === login)) throw notFound(id);
    return g;
  }

  async history(login: string, id: string): Promise<{ group: Group; history: GroupEvent[] }> {
    const group = await this.get(login, id);
    return { group, history: await this.d.store.history(id) };
  }

  /**
   * What `login` may know of a group: all of it while a member; up to their last removal (the
   * change included) once they are out. A stranger learns nothing, as with get().
   */
  async record(login: string, id: string): Promise<GroupRecord> {
    const g = await this.d.store.get(id);
    if (!g) throw notFound(id);
    const member = g.members.some((m) => m.login === login);
    if (!member && !(await this.d.store.everMember(id, login))) throw notFound(id);
    const history = await this.d.store.history(id);
    const kept = member ? history : upToRemoval(history, login);
    const name = kept.findLast((e) => e.change.name !== undefined)?.change.name ?? g.name;
    return { id, name, epoch: kept.at(-1)?.epoch ?? g.epoch, createdAt: g.createdAt, member, history: kept };
  }

  /** The groups `login` has been removed from or has left, as record() tells them. */
  async former(login: string): Promise<GroupRecord[]> {
    return Promise.all((await this.d.store.formerOf(login)).map((id) => this.record(login, id)));
  }

  list(login: string): Promise<Group[]> {
    return this.d.store.forMember(login);
  }

  /** Current members may read the conversation, and so may former ones, up to their removal (the store's spans). */
  async mayRead(login: string, id: string): Promise<boolean> {
    return this.d.store.everMember(id, login);
  }

  add(by: string, id: string, login: string): Promise<Group> {
    return this.change(by, id, async (g) => {
      this.mustBeAdmin(g, by);
      if (g.members.some((m) => m.login === login)) throw new DomainError('conflict', errorText('error.group.alreadyMember', { login }), { login: errorText('error.group.alreadyMember.field') });
      if (g.members.length >= this.d.maxMembers) {
        throw new DomainError('conflict', errorText('error.group.full', { max: this.d.maxMembers }), { login: errorText('error.group.full.field', { max: this.d.maxMembers }) }, { reason: 'group_full', max: this.d.maxMembers });
      }
      if (!(await this.d.exists(login))) throw new DomainError('validation', errorText('error.user.unknown', { login }), { login: errorText('error.user.unknown', { login }) });
      return { op: 'add', login };
    });
  }

  /** An admin removes someone; anyone removing themselves leaves. */
  async remove(by: string, id: string, login: string): Promise<Group> {
    if (login === by) return this.leave(by, id);
    return this.change(by, id, (g) => {
      this.mustBeAdmin(g, by);
      if (!g.members.some((m) => m.login === login)) throw new DomainError('not_found', errorText('error.group.notAMember', { login }));
      return { op: 'remove', login };
    });
  }

  /** When the last admin leaves, the member of longest standing becomes admin (a change of its own). */
  async leave(login: string, id: string): Promise<Group> {
    const after = await this.change(login, id, () => ({ op: 'leave', login }));
    if (after.members.length === 0 || after.members.some((m) => m.role === 'admin')) return after;
    const heir = [...after.members].sort((a, b) => a.since.localeCompare(b.since) || a.login.localeCompare(b.login))[0];
    return this.change(login, id, (g) => (g.members.some((m) => m.role === 'admin') ? undefined : { op: 'admin', login: heir.login }), { formerMember: true });
  }

  rename(by: string, id: string, name: string): Promise<Group> {
    return this.change(by, id, (g) => {
      this.mustBeAdmin(g, by);
      return g.name === name ? undefined : { op: 'rename', name };
    });
  }

  makeAdmin(by: string, id: string, login: string): Promise<Group> {
    return this.change(by, id, (g) => {
      this.mustBeAdmin(g, by);
      const m = g.members.find((x) => x.login === login);
      if (!m) throw new DomainError('not_found', errorText('error.group.notAMember', { login }));
      return m.role === 'admin' ? undefined : { op: 'admin', login };
    });
  }

  private mustBeAdmin(g: Group, login: string): void {
    if (!g.members.some((m) => m.login === login && m.role === 'admin')) throw forbidden();
  }

  /**
   * Reads the group, decides the change (undefined: nothing to do), applies it at the next epoch,
   * retrying from a fresh read when another change came first; then tells every member before and
   * after it.
   */
  private async change(
    by: string,
    id: string,
    decide: (g: Group) => Promise<Omit<GroupChange, 'by' | 'at'> | undefined> | Omit<GroupChange, 'by' | 'at'> | undefined,
    o: { formerMember?: boolean } = {},
  ): Promise<Group> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const g = await this.d.store.get(id);
      if (!g || (!o.formerMember && !g.members.some((m) => m.login === by))) throw notFound(id);
      const what = await decide(g);
      if (!what) return g;
      const change: StoredGroupChange = { ...what, by, at: this.d.now().toISOString(), epoch: g.epoch + 1 };
      if (!(await this.d.store.apply(id, change))) continue;
      const after = (await this.d.store.get(id))!;
      const { epoch, ...wire } = change;
      const to = new Set([...g.members, ...after.members].map((m) => m.login));
      this.d.notify.group([...to], { id, epoch, change: wire });
      return after;
    }
    throw new DomainError('conflict', errorText('error.group.busy'), undefined, { reason: 'busy' });
  }
}
