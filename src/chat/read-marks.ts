// Read state kept on the server, so every device of a user agrees on what is unread: one mark per
// (reader, peer), the seq of the newest message of that conversation the reader has seen. A mark
// only ever moves forward, so a slow device reporting an older message changes nothing. Counts
// and seqs only: the server still reads no message.
import { DomainError } from '../protocol/errors.ts';
import type { Hub } from './hub.ts';
import { isGroupAddress } from '../protocol/envelope.ts';
import { errorText } from '../protocol/error-messages.ts';

/** The current members of a group, by its address ("group:" + id). */
export type GroupMembersOf = (group: string) => Promise<readonly string[]>;

export interface ConversationSummary {
  /** The other person, or a group's address ("group:" + id). */
  peer: string;
  /**
   * Messages from `peer` to the reader with seq above the reader's mark; in a group, messages from
   * the others at the epochs the reader was a member.
   */
  unread: number;
  /** The newest message of the conversation, either direction. */
  lastSeq: number;
  lastAt: string;
  /** How far `peer` has read this conversation (their own mark), with that message's envelope id (1:1 only). */
  seen?: { upTo: number; id: string };
}

export interface ReadMarkStore {
  /**
   * Raises login's mark for peer to upTo unless it is already there or above; resolves once the
   * change would survive a power cut, with whether the mark moved.
   */
  mark(login: string, peer: string, upTo: number): Promise<boolean>;
  /**
   * One summary per peer login has exchanged messages with, and one per group login is a member of
   * now (a group without messages too: lastSeq 0, lastAt ''), in no particular order. `peer` and
   * every mark may be a group address: a mark is the reader's, per conversation.
   */
  conversations(login: string): Promise<ConversationSummary[]>;
  /** The summary of one conversation (unread 0 and lastSeq 0 when there is none). */
  conversation(login: string, peer: string): Promise<ConversationSummary>;
  /** Whether login sends and receives read receipts (the default). */
  receiptsOn(login: string): Promise<boolean>;
  /** Turns login's read receipts on or off; resolves once that is on disk. */
  setReceipts(login: string, on: boolean): Promise<void>;
  /** The envelope id of the message with this seq. */
  messageId(seq: number): Promise<string | undefined>;
  /** Whether seq names a message between login and peer (either direction), or of group `peer` that login may read. */
  inConversation(login: string, peer: string, seq: number): Promise<boolean>;
  /** Every mark on a group's conversation: member login → seq. */
  groupMarks(group: string): Promise<Map<string, number>>;
}

export class ReadMarks {
  private readonly store: ReadMarkStore;
  private readonly hub: Hub;
  private readonly membersOf: GroupMembersOf;

  constructor(store: ReadMarkStore, hub: Hub, membersOf: GroupMembersOf = async () => []) {
    this.store = store;
    this.hub = hub;
    this.membersOf = membersOf;
  }

  /** One conversation's summary for `login` (a group's too: unread and last message). */
  conversation(login: string, peer: string): Promise<ConversationSummary> {
    return this.store.conversation(login, peer);
  }

  /**
   * How far each other member of a group has read, for "Seen by 3 of 5": only from members with
   * read receipts on, and only to a caller who has them on (receipts go both ways).
   */
  async groupReads(login: string, group: string, members: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!(await this.store.receiptsOn(login))) return out;
    const marks = await this.store.groupMarks(group);
    for (const m of members) {
      const upTo = marks.get(m);
      if (m !== login && upTo !== undefined && (await this.store.receiptsOn(m))) out.set(m, upTo);
    }
    return out;
  }

  /** With read receipts only between two people who both have them on. */
  async conversations(login: string): Promise<ConversationSummary[]> {
    const mine = await this.store.receiptsOn(login);
    return Promise.all(
      (await this.store.conversations(login)).map(async ({ seen, ...s }) => (seen && mine && (await this.store.receiptsOn(s.peer)) ? { ...s, seen } : s)),
    );
  }

  /**
   * Read receipts go both ways or not at all, as in other messengers: someone who turns theirs off
   * no longer tells when they read, and no longer learns when others read.
   */
  receipts(login: string): Promise<boolean> {
    return this.store.receiptsOn(login);
  }

  setReceipts(login: string, on: boolean): Promise<void> {
    return this.store.setReceipts(login, on);
  }

  /**
   * The reader has seen everything up to upTo with peer. Only a message they can see is a valid
   * mark: anything else (someone else's conversation, a seq that does not exist) is refused the
   * same way, so the answer tells nothing about other people's messages.
   */
  async read(login: string, peer: string, upTo: number): Promise<void> {
    if (!(await this.store.inConversation(login, peer, upTo))) {
      throw new DomainError('not_found', errorText('error.readMark.notInConversation', { seq: upTo, peer }));
    }
    if (!(await this.store.mark(login, peer, upTo))) return;
    // After the mark is on disk: the reader's other tabs and devices clear their badge.
    const now = await this.store.conversation(login, peer);
    this.hub.read(login, { peer, upTo, unread: now.unread, lastSeq: now.lastSeq });
    // And a read receipt to the other side: how far this reader has got.
    if (!(await this.store.receiptsOn(login))) return;
    if (isGroupAddress(peer)) {
      const id = await this.store.messageId(upTo);
      if (!id) return;
      for (const m of await this.membersOf(peer)) {
        if (m !== login && (await this.store.receiptsOn(m))) this.hub.seen(m, { reader: login, group: peer, upTo, id });
      }
      return;
    }
    if (!(await this.store.receiptsOn(peer))) return;
    const id = await this.store.messageId(upTo);
    if (id) this.hub.seen(peer, { reader: login, upTo, id });
  }
}
