// In-memory fake of the attachment records (src/chat/attachments.ts), mirroring
// src/store/sqlite/attachments.ts. The references are the fake message store's: given this fake
// (new FakeMessageStore(groups, attachments)), it refers to the files an envelope lists when it
// stores it, and refuses one listing a file its sender's uploads do not hold (unknown_file), as the
// SQL adapters do in the insert's transaction. Who may read a file is who may see such a message.
import type { AttachmentRecords, AttachmentUpload } from '../../src/chat/attachments.ts';

export class FakeAttachmentRecords implements AttachmentRecords {
  /** By file id, then uploader. */
  private readonly uploads = new Map<string, Map<string, AttachmentUpload>>();
  /** The seqs of the messages listing each file. */
  private readonly refs = new Map<string, number[]>();
  /** Set by the fake message store this one is given to: whether `login` may see message `seq`. */
  sees: (login: string, seq: number) => boolean = () => false;

  private readonly marked = new Set<string>();

  async add(u: AttachmentUpload): Promise<{ created: boolean } | { deleting: true }> {
    if (this.marked.has(u.id)) return { deleting: true };
    const byUploader = this.uploads.get(u.id) ?? new Map<string, AttachmentUpload>();
    this.uploads.set(u.id, byUploader);
    if (byUploader.has(u.uploader)) return { created: false };
    byUploader.set(u.uploader, { ...u });
    return { created: true };
  }

  /** Synchronous, for the fake message store's admission. */
  holds(id: string, login: string): boolean {
    return this.uploads.get(id)?.has(login) ?? false;
  }

  refer(id: string, seq: number): void {
    this.refs.set(id, [...(this.refs.get(id) ?? []), seq]);
  }

  async uploadedBy(id: string, login: string): Promise<boolean> {
    return this.holds(id, login);
  }

  async usage(login: string): Promise<number> {
    let n = 0;
    for (const byUploader of this.uploads.values()) n += byUploader.get(login)?.size ?? 0;
    return n;
  }

  async readableBy(id: string, login: string): Promise<boolean> {
    return (this.refs.get(id) ?? []).some((seq) => this.sees(login, seq));
  }

  async unreferenced(before: string): Promise<string[]> {
    return [...this.uploads]
      .filter(([id, byUploader]) => !this.refs.has(id) && byUploader.size > 0 && [...byUploader.values()].every((u) => u.uploadedAt < before))
      .map(([id]) => id)
      .sort();
  }

  async forgetIfUnreferenced(id: string, before: string): Promise<boolean> {
    const byUploader = this.uploads.get(id);
    if (!byUploader?.size || this.refs.has(id) || [...byUploader.values()].some((u) => u.uploadedAt >= before)) return false;
    this.uploads.delete(id);
    this.marked.add(id);
    return true;
  }

  async deleted(id: string): Promise<void> {
    this.marked.delete(id);
  }

  async deleting(): Promise<string[]> {
    return [...this.marked].sort();
  }
}
