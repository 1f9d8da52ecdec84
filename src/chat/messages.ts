// The message store port: envelopes (ciphertext only) in arrival order. `seq` is the store's
// order and the SSE event id; `id` is the sender's UUID, unique for replay refusal.
import type { Envelope } from '../protocol/envelope.ts';

export interface StoredMessage {
  seq: number;
  receivedAt: string;
  envelope: Envelope;
}

export interface MessageStore {
  /** Stores durably: resolves once the envelope would survive a power cut; undefined when the id is already known (a replay). */
  insert(envelope: Envelope, receivedAt: string): Promise<StoredMessage | undefined>;
  hasId(id: string): boolean;
  /** Between two users, oldest first, seq > after (or the newest page before `before`). */
  conversation(a: string, b: string, page: { after?: number; before?: number; limit: number }): StoredMessage[];
  /** Everything a user sent or received with seq > after, oldest first. */
  forUser(login: string, after: number, limit: number): StoredMessage[];
  deliveredUpTo(login: string): number;
  markDelivered(login: string, seq: number): void;
}
