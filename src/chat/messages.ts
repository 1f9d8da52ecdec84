// The message store port: envelopes (ciphertext only) in arrival order. `seq` is the store's
// order and the SSE event id; `id` is the sender's UUID, unique for replay refusal.
import type { Envelope, EnvelopeV2 } from '../protocol/envelope.ts';

/** Either version (protocol §5 and §7): the store keeps them alike. */
export type AnyEnvelope = Envelope | EnvelopeV2;

export interface StoredMessage {
  seq: number;
  receivedAt: string;
  envelope: AnyEnvelope;
  /**
   * The envelope as the store holds it, JSON, when read back from it: what a stream writes as is. A
   * group message is read by every member's stream, and parsing and serialising its every wrapped
   * key once per stream was most of the cost of delivering it.
   */
  json?: string;
}

/** An envelope the relay has checked in every way but its signature, with the sender's certificate. */
export interface Admission {
  envelope: AnyEnvelope;
  receivedAt: string;
  /** RFC 8785 of the envelope without `sig`: what `envelope.sig` must sign. */
  signedText: string;
  signer: { serial: string; der: Uint8Array };
  /**
   * A group message (protocol §7): stored only while the group is still at this epoch, checked in
   * the same step as the insert, so a member removed meanwhile never gets a message sealed after
   * the removal was decided (refused `stale_epoch`; the sender wraps again).
   */
  group?: { id: string; epoch: number };
  /**
   * Attachments the envelope lists (protocol §8): recorded with the message, in the same step, as
   * references that keep the files and let the message's parties read them. Each must be an upload
   * of the sender's still kept at that step (else `unknown_file`, nothing stored): the sweep may
   * forget one between the relay's check and the write.
   */
  files?: readonly string[];
}

export type Admitted = { stored: StoredMessage } | { refused: 'bad_signature' | 'replay' | 'stale_epoch' | 'unknown_file' };

export interface MessageStore {
  /**
   * Stores the envelope if its signature verifies with the signer's certificate and its id is new;
   * resolves once it would survive a power cut. One step, so that an adapter can run both the
   * verification and the write off the event loop.
   */
  admit(a: Admission): Promise<Admitted>;
  /**
   * Between two users, oldest first, seq > after (or the newest page before `before`). When `b` is
   * a group address ("group:" + id), that group's messages at the epochs `a` was a member of it.
   */
  conversation(a: string, b: string, page: { after?: number; before?: number; limit: number }): Promise<StoredMessage[]>;
  /**
   * Everything a user sent or received with seq > after, oldest first: their 1:1 messages and the
   * messages of every group at the epochs they were a member of it (none after a removal).
   */
  forUser(login: string, after: number, limit: number): Promise<StoredMessage[]>;
  deliveredUpTo(login: string): Promise<number>;
  markDelivered(login: string, seq: number): Promise<void>;
}
