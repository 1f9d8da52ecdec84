// End-to-end encrypted attachments (protocol §8): the server keeps ciphertext it cannot read,
// named by the SHA-256 of its bytes. Two ports: the bodies (bytes on disk, streamed in while
// hashed, never whole in memory) and the records (who uploaded what, which accepted envelope lists
// it, who may therefore read it), the latter in the same database as the messages so that a
// message and the references it makes are written together.

/** An upload as the records keep it: one per (file, uploader). */
export interface AttachmentUpload {
  /** Lowercase hex SHA-256 of the ciphertext. */
  id: string;
  size: number;
  uploader: string;
  uploadedAt: string;
}

export interface AttachmentRecords {
  /**
   * Notes that `uploader` uploaded the file (again: nothing changes, `created` false). Resolves once
   * it would survive a power cut. `deleting` (and nothing noted) while a sweep is deleting the
   * file's body, on any instance: the body the upload found in place may be gone the next moment.
   */
  add(u: AttachmentUpload): Promise<{ created: boolean } | { deleting: true }>;
  /** Whether `login` uploaded the file: an envelope may list only files its sender uploaded. */
  uploadedBy(id: string, login: string): Promise<boolean>;
  /** Bytes of the distinct files `login` uploaded and that are still kept: what the quota counts. */
  usage(login: string): Promise<number>;
  /**
   * Whether `login` is a party to an accepted envelope listing the file: its sender or recipient,
   * or in a group a member at the epoch it was sent (the message store's own visibility rule).
   */
  readableBy(id: string, login: string): Promise<boolean>;
  /** Files uploaded before `before` that no accepted envelope lists: what the sweep deletes. */
  unreferenced(before: string): Promise<string[]>;
  /**
   * Forgets the file's uploads if still no accepted envelope lists it and none of them is from
   * `before` on; true when it did (then the body may go). An envelope accepted meanwhile keeps it,
   * and so does an upload of the same bytes again since the sweep listed it. When it forgets them
   * it marks the file as being deleted, in the same step, until deleted(id): add() refuses
   * meanwhile, so that no upload is noted for a body about to go, even on another instance.
   */
  forgetIfUnreferenced(id: string, before: string): Promise<boolean>;
  /** The body is gone: the mark goes, and the same bytes may be uploaded anew. */
  deleted(id: string): Promise<void>;
  /** Files marked as being deleted whose sweep stopped half-way (a crash): to finish. */
  deleting(): Promise<string[]>;
}

/** The outcome of storing a body. */
export type PutResult = { id: string; size: number } | { tooLarge: true };

export interface AttachmentBodies {
  /**
   * Streams `body` into storage while hashing it, and stops with `tooLarge` past `maxBytes`
   * (nothing kept). Resolves once the file is on disk under its id (synced, atomically named: a
   * crash leaves either the whole file or none). The same bytes again keep one file.
   */
  put(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<PutResult>;
  /** The file's size, or undefined when there is none. */
  size(id: string): Promise<number | undefined>;
  /** Bytes `start` to `end` inclusive (the whole file by default), streamed. */
  read(id: string, range?: { start: number; end: number }): AsyncIterable<Uint8Array>;
  delete(id: string): Promise<void>;
  /** Removes what a crash left half-written. */
  cleanUp(): Promise<void>;
}
