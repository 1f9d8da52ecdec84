// Fan-out of live events to the streams each user has open. Knows nothing of HTTP: a stream is
// a callback; the SSE route adapts it.
import type { StoredMessage } from './messages.ts';

export type HubEvent =
  | { type: 'message'; message: StoredMessage }
  | { type: 'presence'; login: string; online: boolean }
  | { type: 'read'; read: ReadEvent }
  | { type: 'seen'; seen: SeenEvent };

/** A reader's mark moved: what is left unread in that conversation, for their other streams. */
export interface ReadEvent {
  peer: string;
  upTo: number;
  unread: number;
  lastSeq: number;
}

/** Someone has seen their conversation with the subscriber up to a message: a read receipt. */
export interface SeenEvent {
  /** Who read. */
  reader: string;
  upTo: number;
  /** The envelope id of message `upTo`, which the other side's page knows its bubbles by. */
  id: string;
}

export type Subscriber = (event: HubEvent) => void;

export class Hub {
  private readonly byLogin = new Map<string, Set<Subscriber>>();

  subscribe(login: string, s: Subscriber): () => void {
    let set = this.byLogin.get(login);
    if (!set) this.byLogin.set(login, (set = new Set()));
    set.add(s);
    return () => {
      set.delete(s);
      if (set.size === 0) this.byLogin.delete(login);
    };
  }

  /** To the sender's and the recipient's streams. */
  message(m: StoredMessage): void {
    const event: HubEvent = { type: 'message', message: m };
    for (const login of new Set([m.envelope.from, m.envelope.to])) {
      for (const s of this.byLogin.get(login) ?? []) s(event);
    }
  }

  /** To everyone connected. */
  presence(login: string, online: boolean): void {
    const event: HubEvent = { type: 'presence', login, online };
    for (const set of this.byLogin.values()) for (const s of set) s(event);
  }

  /** To the reader's own streams only (their other tabs and devices). */
  read(login: string, read: ReadEvent): void {
    const event: HubEvent = { type: 'read', read };
    for (const s of this.byLogin.get(login) ?? []) s(event);
  }

  /** To the streams of the one whose messages were read (read receipts). */
  seen(to: string, seen: SeenEvent): void {
    const event: HubEvent = { type: 'seen', seen };
    for (const s of this.byLogin.get(to) ?? []) s(event);
  }

  get streams(): number {
    let n = 0;
    for (const set of this.byLogin.values()) n += set.size;
    return n;
  }
}
