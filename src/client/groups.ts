// Protocol §7 on the client, the parts of a group conversation that need no page, so they are
// tested without a browser: the last check before a group message may be called verified (its
// sender was a member at the envelope's epoch, from the group's history), sealing for every
// current certificate of every member at the group's current epoch with the silent re-wrap the
// server asks for with 409 recipients_changed, the words for each change of the group, and who
// has read up to a message ("Seen by 3 of 5").
import type { EnvelopeV2 } from '../protocol/envelope.ts';
import { groupAddress, membersByEpoch, type Group, type GroupChange, type GroupEvent } from '../protocol/groups.ts';
import { makeEnvelopeV2, type MakeEnvelopeV2, type RecipientCertificate } from './envelope.ts';
import { t } from './i18n.ts';

export type MembershipCheck =
  | { ok: true; members: ReadonlySet<string> }
  /**
   * `unknown_epoch`: the history held here stops before the envelope's epoch (a change is on its
   * way): the page reads the group again and checks once more, and only then says it failed.
   */
  | { ok: false; code: 'not_this_group' | 'unknown_epoch' | 'not_a_member'; reason: string };

/**
 * Whether `envelope` (already opened and verified in every other way) was sent to this group by
 * someone who was a member at the epoch it names. A message sealed at an epoch where its sender
 * had left is never verified, whatever its signatures say: the group did not hear it from a member.
 */
export function senderWasMember(envelope: Pick<EnvelopeV2, 'from' | 'to' | 'epoch'>, groupId: string, history: readonly GroupEvent[]): MembershipCheck {
  if (envelope.to !== groupAddress(groupId) || envelope.epoch === undefined) {
    return { ok: false, code: 'not_this_group', reason: t('msg.member.group') };
  }
  const members = membersByEpoch(history).get(envelope.epoch);
  // The epoch as a plain number, never grouped: it names a change, it counts nothing.
  if (!members) return { ok: false, code: 'unknown_epoch', reason: t('msg.member.epoch', { epoch: String(envelope.epoch) }) };
  if (!members.has(envelope.from)) return { ok: false, code: 'not_a_member', reason: t('msg.member.not', { login: envelope.from }) };
  return { ok: true, members };
}

/** Who was a member when the message at `epoch` was sent; the current members when the history does not say. */
export function membersAt(history: readonly GroupEvent[], epoch: number | undefined, current: readonly string[]): ReadonlySet<string> {
  return (epoch !== undefined && membersByEpoch(history).get(epoch)) || new Set(current);
}

/** A group as sealing needs it: its current epoch and members. */
export type GroupNow = Pick<Group, 'id' | 'epoch' | 'members'>;

export interface GroupSealDeps {
  /** The group as the server has it now (GET /api/v1/groups/{id}); `fresh` after a refusal. */
  group(fresh: boolean): Promise<GroupNow>;
  /** Every current certificate of `login` (GET /api/v1/users/{login}/certificates), checked; `fresh` after a refusal. */
  certificates(login: string, fresh: boolean): Promise<readonly RecipientCertificate[]>;
}

/** The message without what the group decides: the recipients and the epoch. */
export type GroupMessage = Omit<MakeEnvelopeV2, 'to' | 'epoch' | 'recipients'>;

/**
 * The message as a version 2 envelope for the group: `to` the group, its current epoch, the key
 * wrapped for exactly every current certificate of every member, the sender's devices included
 * (what the server checks, §7).
 */
export async function sealForGroup(message: GroupMessage, deps: GroupSealDeps, fresh = false): Promise<EnvelopeV2> {
  const group = await deps.group(fresh);
  const lists = await Promise.all(group.members.map((m) => deps.certificates(m.login, fresh)));
  return makeEnvelopeV2({ ...message, to: groupAddress(group.id), epoch: group.epoch, recipients: lists.flat() });
}

/** The server's word that the conversation's devices or the group's epoch changed since sealing (§7). */
export const recipientsChanged = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 'recipients_changed';

/**
 * Seals and posts; when the server answers 409 recipients_changed (a member added or removed, a
 * device linked or retired since the lists were read), reads them again, wraps again and resends,
 * up to `attempts` times in all, without the person noticing. Answers the envelope the server took.
 */
export async function sendWithRewrap<E>(seal: (fresh: boolean) => Promise<E>, post: (envelope: E) => Promise<void>, attempts = 3): Promise<E> {
  for (let i = 0; ; i++) {
    const envelope = await seal(i > 0);
    try {
      await post(envelope);
      return envelope;
    } catch (err) {
      if (!recipientsChanged(err) || i + 1 >= attempts) throw err;
    }
  }
}

/**
 * A change of the group in words, as a line of the conversation: "Amira Ben Salah added Bilel
 * Gharbi". `nameOf` gives a login's name as the directory has it (the login itself when unknown).
 * Whole sentences per case, not "You" put in for a name: French conjugates for "vous" ("Vous avez
 * ajouté") and puts it before the verb when it is the object ("Amira vous a ajouté").
 */
export function changeText(change: GroupChange, me: string, nameOf: (login: string) => string = (login) => login): string {
  const who = (login: string | undefined) => (login === me ? t('msg.change.you') : login === undefined ? t('msg.change.someone') : nameOf(login));
  const mine = change.by === me;
  const by = nameOf(change.by);
  const toMe = change.login === me && !mine;
  switch (change.op) {
    case 'create':
      if (change.name) return mine ? t('msg.change.create.named.by.you', { name: change.name }) : t('msg.change.create.named', { by, name: change.name });
      return mine ? t('msg.change.create.by.you') : t('msg.change.create', { by });
    case 'add':
      if (toMe) return t('msg.change.add.you', { by });
      return mine ? t('msg.change.add.by.you', { who: who(change.login) }) : t('msg.change.add', { by, who: who(change.login) });
    case 'remove':
      if (toMe) return t('msg.change.remove.you', { by });
      return mine ? t('msg.change.remove.by.you', { who: who(change.login) }) : t('msg.change.remove', { by, who: who(change.login) });
    case 'leave':
      return change.login === me ? t('msg.change.leave.you') : t('msg.change.leave', { who: who(change.login) });
    case 'rename':
      return mine ? t('msg.change.rename.by.you', { name: change.name ?? '' }) : t('msg.change.rename', { by, name: change.name ?? '' });
    case 'admin':
      return change.login === me ? t('msg.change.admin.you') : t('msg.change.admin', { who: who(change.login) });
  }
}

/**
 * How far each reader has read, in the conversation's order: `position` answers where a message
 * id stands (larger is newer), or undefined when it is not among those shown. A reader whose mark
 * is newer than everything shown has read it all.
 */
export interface ReadMark {
  /** The seq of the newest message they have read. */
  seq: number;
  /** That message's envelope id, once known. */
  id?: string;
}

/**
 * The others (members when the message was sent, not its sender) who have read up to the message
 * at `position`: what "Seen by 3 of 5" counts. `newestSeq` is the seq of the newest message shown.
 */
export function seenBy(
  message: { position: number; from: string; members: ReadonlySet<string> },
  marks: ReadonlyMap<string, ReadMark>,
  position: (id: string) => number | undefined,
  newestSeq: number,
): { readers: string[]; of: number } {
  const others = [...message.members].filter((m) => m !== message.from);
  const readers = others.filter((m) => {
    const mark = marks.get(m);
    if (!mark) return false;
    if (mark.seq >= newestSeq) return true;
    const at = mark.id === undefined ? undefined : position(mark.id);
    return at !== undefined && at >= message.position;
  });
  return { readers: readers.sort(), of: others.length };
}
