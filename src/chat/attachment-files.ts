// Attachments (protocol §8) on the two ports of src/chat/attachments.ts: an upload within the size
// limit and the uploader's quota, a download for the parties of a message listing the file, and
// the sweep of uploads no message took up within a day.
import { DomainError } from '../protocol/errors.ts';
import type { Log } from '../log.ts';
import type { AttachmentBodies, AttachmentRecords } from './attachments.ts';
import { errorText } from '../protocol/error-messages.ts';

/** An upload no accepted envelope lists after this long is deleted. */
export const UNREFERENCED_MS = 24 * 3600_000;
/** The sweep runs at start and then this often: a file outlives its day by at most this much. */
export const SWEEP_EVERY_MS = 3600_000;

export interface AttachmentLimits {
  /** The largest upload, in bytes (--max-attachment-mb). */
  maxBytes: number;
  /** The bytes of distinct files one user may keep (--attachment-quota-mb). */
  quotaBytes: number;
}

export interface AttachmentDeps extends AttachmentLimits {
  records: AttachmentRecords;
  bodies: AttachmentBodies;
  now: () => Date;
}

export type Upload = { id: string; size: number; created: boolean };
export interface Download {
  size: number;
  read(range?: { start: number; end: number }): AsyncIterable<Uint8Array>;
}

const tooLarge = (maxBytes: number) =>
  new DomainError('payload_too_large', errorText('error.attachment.tooLarge', { mib: String(Math.floor(maxBytes / (1024 * 1024))) }), undefined, { limit: maxBytes });
const quotaExceeded = (quotaBytes: number, used: number) =>
  new DomainError('quota_exceeded', errorText('error.attachment.quota', { mib: Math.floor(quotaBytes / (1024 * 1024)) }), undefined, {
    quota: quotaBytes,
    used,
  });
// Protocol §8: one answer whether the file does not exist or is not the caller's to read.
const notFound = () => new DomainError('not_found', errorText('error.attachment.notFound'));

export class Attachments {
  private readonly d: AttachmentDeps;
  /**
   * Per file id, the step running on it (an upload's record, the sweep's deletion), so that in this
   * process a body is never deleted under an upload of the same bytes that found it in place.
   */
  private readonly steps = new Map<string, Promise<unknown>>();

  constructor(deps: AttachmentDeps) {
    this.d = deps;
  }

  get limits(): AttachmentLimits {
    return { maxBytes: this.d.maxBytes, quotaBytes: this.d.quotaBytes };
  }

  private one<T>(id: string, step: () => Promise<T>): Promise<T> {
    const run = (this.steps.get(id) ?? Promise.resolve()).then(step, step);
    const tail = run.catch(() => {});
    this.steps.set(id, tail);
    void tail.then(() => this.steps.get(id) === tail && this.steps.delete(id));
    return run;
  }

  /**
   * Stores `body` for `login`. `declared` (the body's length when the client gave it) lets a body
   * over the limit or the quota be refused before any of it is read. Throws payload_too_large
   * past the limit, quota_exceeded past the quota.
   */
  async upload(login: string, body: AsyncIterable<Uint8Array>, declared?: number): Promise<Upload> {
    const { records, bodies, maxBytes, quotaBytes } = this.d;
    if (declared !== undefined && declared > maxBytes) throw tooLarge(maxBytes);
    const used = await records.usage(login);
    const room = quotaBytes - used;
    if (declared !== undefined ? declared > room : room <= 0) throw quotaExceeded(quotaBytes, used);
    // Reading stops at whichever comes first; which one it was decides the answer. Two uploads of
    // one user at the same time may each fit alone: the quota can be passed by at most those.
    const put = await bodies.put(body, Math.min(maxBytes, room));
    if ('tooLarge' in put) throw room < maxBytes ? quotaExceeded(quotaBytes, used) : tooLarge(maxBytes);
    return this.one(put.id, async () => {
      // The body was found or written before this step; a sweep that ran since may have taken it.
      if ((await bodies.size(put.id)) === undefined) throw new DomainError('unavailable', errorText('error.attachment.interrupted'), undefined, { retryAfter: 1 });
      const noted = await records.add({ id: put.id, size: put.size, uploader: login, uploadedAt: this.d.now().toISOString() });
      // A sweep (here or on another instance) is deleting the body this upload found in place.
      if ('deleting' in noted) throw new DomainError('unavailable', errorText('error.attachment.interrupted'), undefined, { retryAfter: 1 });
      return { id: put.id, size: put.size, created: noted.created };
    });
  }

  /** The file for a party of a message listing it; not_found for anyone else, or no such file. */
  async download(login: string, id: string): Promise<Download> {
    const { records, bodies } = this.d;
    if (!(await records.readableBy(id, login))) throw notFound();
    const size = await bodies.size(id);
    if (size === undefined) throw notFound();
    return { size, read: (range) => bodies.read(id, range) };
  }

  /** Deletes the uploads no accepted envelope listed within UNREFERENCED_MS; how many files went. */
  async sweep(): Promise<number> {
    const before = new Date(this.d.now().getTime() - UNREFERENCED_MS).toISOString();
    let deleted = 0;
    const remove = async (id: string) => {
      await this.d.bodies.delete(id);
      await this.d.records.deleted(id);
      deleted++;
    };
    // First what a sweep stopped half-way left marked: the uploads of those bytes wait for it.
    for (const id of await this.d.records.deleting()) await this.one(id, () => remove(id));
    for (const id of await this.d.records.unreferenced(before)) {
      await this.one(id, async () => {
        if (await this.d.records.forgetIfUnreferenced(id, before)) await remove(id);
      });
    }
    return deleted;
  }
}

export interface AttachmentSweeper {
  /** Waits for a sweep under way, and runs no more. */
  stop(): Promise<void>;
}

/**
 * The server's background sweep: first the temporary files a crash left, then a sweep at once and
 * every SWEEP_EVERY_MS. What it deletes is decided from the records alone, so a restart loses
 * nothing of it: an upload is a day old whenever the next sweep looks.
 */
export function startAttachmentSweeper(attachments: Attachments, bodies: AttachmentBodies, log: Log, everyMs = SWEEP_EVERY_MS): AttachmentSweeper {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = async (first: boolean) => {
    try {
      if (first) await bodies.cleanUp();
      const deleted = await attachments.sweep();
      if (deleted) log('unreferenced attachments deleted', { files: deleted });
    } catch (err) {
      log('attachment sweep failed', { error: (err as Error).name, detail: (err as Error).message });
    }
  };
  const schedule = (ms: number, first: boolean) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass(first).finally(() => {
        running = undefined;
        schedule(everyMs, false);
      });
    }, ms);
    timer.unref();
  };
  schedule(0, true);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
