// Protocol §7, group conversations: the wire shapes of the group routes and of `event: group`, one
// module for the routes, the pages' script and the tests. No Node imports: bundled for the browser.
import * as v from 'valibot';
import { LOGIN_PATTERN } from './enroll.ts';
import { GROUP_MEMBERS_MAX, GROUP_PREFIX, UUID_V4 } from './envelope.ts';
import { englishText } from './error-messages.ts';

export const GROUP_NAME_MAX = 64;
/** The smallest group, the creator included (§7). */
export const GROUP_MEMBERS_MIN = 2;
/** The default of `--max-group-members`, which may only lower it (keys per envelope are sized for 256). */
export { GROUP_MEMBERS_MAX };

export type GroupRole = 'admin' | 'member';
export type GroupOp = 'create' | 'add' | 'remove' | 'leave' | 'rename' | 'admin';

export interface GroupMember {
  login: string;
  role: GroupRole;
  /** When they joined (the creation, or the change that added them). */
  since: string;
}

/** One change of a group, as `event: group` carries it and its history keeps it. */
export interface GroupChange {
  op: GroupOp;
  /** Who was added, removed, left or made admin. */
  login?: string;
  /** The new name (create, rename). */
  name?: string;
  /** Create only (an extension): every member it was created with, the creator included. */
  members?: string[];
  /** Who made the change. */
  by: string;
  at: string;
}

/** `event: group`: every change, to every member before and after it. */
export interface GroupEvent {
  id: string;
  epoch: number;
  change: GroupChange;
}

/** `POST /api/v1/groups` (201), `GET /api/v1/groups/{id}` and the answer to every change. */
export interface Group {
  id: string;
  name: string;
  epoch: number;
  createdAt: string;
  members: GroupMember[];
}

/**
 * `GET /api/v1/groups/{id}` adds (an extension) the group's history, so a page can show the
 * changes as lines of the conversation and know who was a member at each epoch; and how far each
 * other member has read, when the caller and they have read receipts on ("Seen by 3 of 5").
 */
export interface GroupDetail extends Group {
  history: GroupEvent[];
  /** Member login → the seq (a string, like history cursors) of the newest message they have read. */
  reads: Record<string, string>;
}

/**
 * `GET /api/v1/groups/{id}/history` (an extension): what a member, or a former member, may know of
 * a group. A member gets the whole history; a former member the history up to the change that
 * removed them (or that they left with), with the name and epoch of that moment, so a page can
 * still show and check what was said while they were in it.
 */
export interface GroupRecord {
  id: string;
  name: string;
  epoch: number;
  createdAt: string;
  member: boolean;
  history: GroupEvent[];
}

/** An entry of `GET /api/v1/groups/former` (an extension): a group the caller was removed from or left. */
export interface FormerGroupSummary extends GroupRecord {
  lastAt: string | null;
  lastSeq: string;
  unread: number;
}

/** An entry of `GET /api/v1/groups`: the group with its last message time and unread count. */
export interface GroupSummary extends Group {
  /** When the last message came, or null before the first. */
  lastAt: string | null;
  lastSeq: string;
  unread: number;
}

const groupNameSchema = v.pipe(
  v.string(englishText('error.group.name.missing')),
  v.trim(),
  v.nonEmpty(englishText('error.group.name.empty')),
  v.maxLength(GROUP_NAME_MAX, englishText('error.group.name.long', { max: GROUP_NAME_MAX })),
  v.check((s) => !/[\p{Cc}\p{Cf}]/u.test(s), englishText('error.group.name.control')),
);
const memberLogin = v.pipe(v.string(englishText('error.group.member.login')), v.regex(LOGIN_PATTERN, englishText('error.group.member.directory')));

/** `POST /api/v1/groups`: the others; the creator is added as admin. The count is checked with the configured limit. */
export const groupCreateSchema = v.object({
  name: groupNameSchema,
  members: v.pipe(v.array(memberLogin, 'members is a list of logins.'), v.maxLength(1024, 'members is too long.')),
});
export const groupRenameSchema = v.object({ name: groupNameSchema });
/** `POST …/members` and `POST …/admins`. */
export const groupLoginSchema = v.object({ login: memberLogin });

export const groupIdParam = v.object({ id: v.pipe(v.string(), v.regex(UUID_V4, englishText('error.group.id'))) });
export const groupMemberParam = v.object({ ...groupIdParam.entries, login: v.pipe(v.string(), v.regex(LOGIN_PATTERN, englishText('error.group.path.login'))) });

export const groupAddress = (id: string): string => GROUP_PREFIX + id;
export const groupIdOf = (to: string): string => to.slice(GROUP_PREFIX.length);

/** Who was a member at each epoch, from a group's history: what a page checks a sender against (§7). */
export function membersByEpoch(history: readonly GroupEvent[]): Map<number, Set<string>> {
  const at = new Map<number, Set<string>>();
  let now = new Set<string>();
  for (const e of [...history].sort((a, b) => a.epoch - b.epoch)) {
    now = new Set(now);
    const c = e.change;
    if (c.op === 'create') for (const m of [c.by, ...(c.members ?? [])]) now.add(m);
    if (c.op === 'add' && c.login) now.add(c.login);
    if ((c.op === 'remove' || c.op === 'leave') && c.login) now.delete(c.login);
    at.set(e.epoch, now);
  }
  return at;
}
