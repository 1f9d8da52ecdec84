// Fan-out of live events to the streams each user has open. Knows nothing of HTTP: a stream is
// a callback; the SSE route adapts it. With several instances (protocol §9) a user's streams may be
// held by other processes: an EventRelay carries each event to them.
import type { StoredMessage } from './messages.ts';
import type { DeviceRequestEvent } from '../protocol/device-link.ts';
import type { GroupEvent } from '../protocol/groups.ts';

export type HubEvent =
  | { type: 'message'; message: StoredMessage }
  | { type: 'presence'; login: string; online: boolean }
  | { type: 'read'; read: ReadEvent }
  | { type: 'seen'; seen: SeenEvent }
  | { type: 'device_request'; request: DeviceRequestEvent }
  | { type: 'group'; group: GroupEvent };

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
  /** In a group conversation: the group's address ("group:" + id). */
  group?: string;
  upTo: number;
  /** The envelope id of message `upTo`, which the other side's page knows its bubbles by. */
  id: string;
}

export type Subscriber = (event: HubEvent) => void;

/** An event and whose streams it is for: named logins, or everyone connected. */
export interface RoutedEvent {
  to: readonly string[] | 'all';
  event: HubEvent;
}

/**
 * The port to the other instances. `publish` hands an event to every other instance and never
 * throws (an unreachable relay drops it: this instance alone is served); `onEvent` is called with
 * what the other instances published, never with this instance's own events, which the Hub has
 * already delivered here.
 */
export interface EventRelay {
  publish(e: RoutedEvent): void;
  onEvent(cb: (e: RoutedEvent) => void): void;
  /**
   * Called when the relay works again after a time in which the others' events may have been
   * missed (and this instance's not delivered to them), once it is sure to hear them again.
   */
  onResumed?(cb: () => void): void;
}

export class Hub {
  private readonly byLogin = new Map<string, Set<Subscriber>>();
  private readonly relay: EventRelay | undefined;

  /** Without a relay (one process, the default) events reach this process's streams only. */
  constructor(relay?: EventRelay) {
    this.relay = relay;
    relay?.onEvent((e) => this.deliver(e));
  }

  /**
   * `cb` runs when the relay is back after an outage: the streams here may have missed events the
   * other instances published meanwhile (with one process and no relay, never).
   */
  onRelayResumed(cb: () => void): void {
    this.relay?.onResumed?.(cb);
  }

  subscribe(login: string, s: Subscriber): () => void {
    let set = this.byLogin.get(login);
    if (!set) this.byLogin.set(login, (set = new Set()));
    set.add(s);
    return () => {
      set.delete(s);
      if (set.size === 0) this.byLogin.delete(login);
    };
  }

  /** To the sender's and the recipient's streams; for a group, to its members at the message's epoch. */
  message(m: StoredMessage, members?: readonly string[]): void {
    this.send({ to: [...new Set([m.envelope.from, ...(members ?? [m.envelope.to])])], event: { type: 'message', message: m } });
  }

  /** A group changed (protocol §7): to every member before and after the change. */
  group(to: readonly string[], group: GroupEvent): void {
    this.send({ to, event: { type: 'group', group } });
  }

  /** To everyone connected. */
  presence(login: string, online: boolean): void {
    this.send({ to: 'all', event: { type: 'presence', login, online } });
  }

  /** To the reader's own streams only (their other tabs and devices). */
  read(login: string, read: ReadEvent): void {
    this.send({ to: [login], event: { type: 'read', read } });
  }

  /** To the streams of the one whose messages were read (read receipts). */
  seen(to: string, seen: SeenEvent): void {
    this.send({ to: [to], event: { type: 'seen', seen } });
  }

  /** A new device asks to be linked (protocol §6): to that login's own streams only. */
  deviceRequest(login: string, request: DeviceRequestEvent): void {
    this.send({ to: [login], event: { type: 'device_request', request } });
  }

  /**
   * Here first, then to the others: this instance's streams do not wait for a round trip through
   * the relay (nor miss the event when it is down), and the relay never hands it back here.
   */
  private send(e: RoutedEvent): void {
    this.deliver(e);
    this.relay?.publish(e);
  }

  private deliver({ to, event }: RoutedEvent): void {
    if (to === 'all') {
      for (const set of this.byLogin.values()) for (const s of set) s(event);
      return;
    }
    for (const login of to) for (const s of this.byLogin.get(login) ?? []) s(event);
  }

  get streams(): number {
    let n = 0;
    for (const set of this.byLogin.values()) n += set.size;
    return n;
  }
}
