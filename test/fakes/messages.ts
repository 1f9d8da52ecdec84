// In-memory fake of the message store (src/chat/messages.ts), mirroring src/store/sqlite/messages.ts
// and its writer (src/store/sqlite/message-writer.ts): `admit` first verifies the envelope's
// signature (RSASSA-PSS, SHA-256, salt 32) over the signed text with the signer certificate's key —
// bad_signature, nothing stored — then refuses an id already stored (replay), else stores it under
// the next seq. Delivery marks only move forward. Given the fake group store, it keeps group
// messages as the SQL adapters do: stored only at the group's epoch now (else stale_epoch), shown
// to whoever was a member at the epoch each was sealed at.
import { X509Certificate, constants, verify } from 'node:crypto';
import type { Admission, Admitted, MessageStore, StoredMessage } from '../../src/chat/messages.ts';
import { isGroupAddress } from '../../src/protocol/envelope.ts';
import { groupIdOf } from '../../src/protocol/groups.ts';
import type { FakeGroupStore } from './groups.ts';
import type { FakeAttachmentRecords } from './attachments.ts';

const verifies = (a: Admission): boolean => {
  try {
    const key = new X509Certificate(a.signer.der).publicKey;
    return verify('sha256', Buffer.from(a.signedText), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(a.envelope.sig, 'base64'));
  } catch {
    return false;
  }
};

export class FakeMessageStore implements MessageStore {
  private readonly rows: StoredMessage[] = [];
  private readonly ids = new Set<string>();
  private readonly delivered = new Map<string, number>();
  private seq = 0;
  /** The epoch each group message was sealed at, by seq. */
  private readonly epochs = new Map<number, number>();
  private readonly groups: FakeGroupStore | undefined;

  private readonly attachments: FakeAttachmentRecords | undefined;

  constructor(groups?: FakeGroupStore, attachments?: FakeAttachmentRecords) {
    this.groups = groups;
    this.attachments = attachments;
    if (attachments)
      attachments.sees = (login, seq) => {
        const m = this.rows.find((r) => r.seq === seq);
        return m !== undefined && this.visible(login, m);
      };
  }

  /** Whether `login` may see message `m`: as forUser decides. */
  private visible(login: string, m: StoredMessage): boolean {
    return this.epochs.has(m.seq) ? this.sees(login, m) : m.envelope.to === login || m.envelope.from === login;
  }

  async admit(a: Admission): Promise<Admitted> {
    if (!verifies(a)) return { refused: 'bad_signature' };
    if (this.ids.has(a.envelope.id)) return { refused: 'replay' };
    if (a.group && this.groups?.epochOf(a.group.id) !== a.group.epoch) return { refused: 'stale_epoch' };
    if (a.files?.some((f) => !this.attachments?.holds(f, a.envelope.from))) return { refused: 'unknown_file' };
    this.ids.add(a.envelope.id);
    const stored: StoredMessage = { seq: ++this.seq, receivedAt: a.receivedAt, envelope: structuredClone(a.envelope) };
    this.rows.push(stored);
    if (a.group) this.epochs.set(stored.seq, a.group.epoch);
    for (const f of a.files ?? []) this.attachments!.refer(f, stored.seq);
    return { stored: structuredClone(stored) };
  }

  /** Whether `login` may see group message `m`: a member at the epoch it was sealed at. */
  private sees(login: string, m: StoredMessage): boolean {
    const epoch = this.epochs.get(m.seq);
    return epoch !== undefined && isGroupAddress(m.envelope.to) && this.groups !== undefined && this.groups.memberAt(groupIdOf(m.envelope.to), login, epoch);
  }

  async conversation(a: string, b: string, page: { after?: number; before?: number; limit: number }): Promise<StoredMessage[]> {
    const pair = isGroupAddress(b)
      ? this.rows.filter((m) => m.envelope.to === b && this.sees(a, m))
      : this.rows.filter((m) => (m.envelope.from === a && m.envelope.to === b) || (m.envelope.from === b && m.envelope.to === a));
    const chosen =
      page.before !== undefined
        ? ((older) => older.slice(Math.max(0, older.length - page.limit)))(pair.filter((m) => m.seq < page.before!))
        : pair.filter((m) => m.seq > (page.after ?? 0)).slice(0, page.limit);
    return chosen.map((m) => structuredClone(m));
  }

  async forUser(login: string, after: number, limit: number): Promise<StoredMessage[]> {
    return this.rows
      .filter((m) => m.seq > after && this.visible(login, m))
      .slice(0, limit)
      .map((m) => structuredClone(m));
  }

  async deliveredUpTo(login: string): Promise<number> {
    return this.delivered.get(login) ?? 0;
  }

  async markDelivered(login: string, seq: number): Promise<void> {
    if (seq > (this.delivered.get(login) ?? 0)) this.delivered.set(login, seq);
  }

  /** How many messages are stored (for assertions). */
  get size(): number {
    return this.rows.length;
  }
}
