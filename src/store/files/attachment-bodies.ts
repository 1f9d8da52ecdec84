// Attachment bodies as files (src/chat/attachments.ts), in --attachments-dir: DIR/ab/abcdef… for
// the id abcdef… (a level of fan-out keeps directories small). An upload streams into a temporary
// file of DIR itself while it is hashed, is synced, and only then renamed to its id, and the
// directory synced: a crash at any point leaves the whole file under its id or nothing under it,
// and at worst a temporary file, which cleanUp removes at the next start. Several instances may
// share DIR (protocol §9): rename is atomic, and two uploads of the same bytes write the same name;
// a temporary file is named for its host and process, so that an instance starting removes only
// those of processes gone (a day old for another host's: it cannot tell whether that one lives).
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import type { AttachmentBodies, PutResult } from '../../chat/attachments.ts';

const TEMP_PREFIX = '.upload-';
const TEMP_NAME = /^\.upload-(.*)\.(\d+)\.[0-9a-f-]{36}$/;
const FOREIGN_TEMP_MS = 24 * 3600_000;
const ID = /^[0-9a-f]{64}$/;
const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What an upload gathers before writing: few system calls, little memory. */
const WRITE_BATCH = 1024 * 1024;

/** Writes every byte of `chunks` (`bytes` in all), going on after a short write. */
async function writeAll(file: FileHandle, chunks: Uint8Array[], bytes: number): Promise<void> {
  let written = (await file.writev(chunks)).bytesWritten;
  if (written === bytes) return;
  const all = Buffer.concat(chunks, bytes);
  while (written < bytes) written += (await file.write(all, written)).bytesWritten;
}

/** Makes a directory entry (a rename, a new directory) survive a power cut. */
async function syncDir(dir: string): Promise<void> {
  const fd = await open(dir, 'r');
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}

export class FileAttachmentBodies implements AttachmentBodies {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  private path(id: string): string {
    // Ids come from requests: anything but a hex SHA-256 would name some other file.
    if (!ID.test(id)) throw new RangeError(`not an attachment id: ${id}`);
    return join(this.dir, id.slice(0, 2), id);
  }

  async put(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<PutResult> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = join(this.dir, `${TEMP_PREFIX}${hostname()}.${process.pid}.${randomUUID()}`);
    const file = await open(temp, 'wx', 0o600);
    const hash = createHash('sha256');
    let size = 0;
    let kept = false;
    // Chunks gathered into writes of about WRITE_BATCH (one write per 64 KiB socket read kept
    // uploads at a quarter of the disk's speed), one write in flight while the next batch comes
    // in. Past that the loop waits for the write, and a body arriving faster than the disk takes
    // it waits in the socket, not here: at most two batches in memory.
    let batch: Uint8Array[] = [];
    let batched = 0;
    let writing: Promise<void> | undefined;
    const flush = async () => {
      await writing;
      writing = undefined;
      if (batched === 0) return;
      const chunks = batch;
      const bytes = batched;
      batch = [];
      batched = 0;
      writing = writeAll(file, chunks, bytes);
      // Never left unobserved: a failed write is thrown by the next flush, or below.
      writing.catch(() => {});
    };
    try {
      for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > maxBytes) return { tooLarge: true };
        hash.update(chunk);
        batch.push(chunk);
        batched += chunk.byteLength;
        if (batched >= WRITE_BATCH) await flush();
      }
      await flush();
      await writing;
      await file.datasync();
      await file.close();
      const id = hash.digest('hex');
      const target = this.path(id);
      if ((await this.size(id)) === undefined) {
        const fanOut = join(this.dir, id.slice(0, 2));
        await mkdir(fanOut, { recursive: true, mode: 0o700 });
        await rename(temp, target);
        kept = true;
        await syncDir(fanOut);
        await syncDir(this.dir); // the fan-out directory's own entry, when it was new
      }
      return { id, size };
    } finally {
      await writing?.catch(() => {}); // a refused body's last write, before its file goes
      await file.close().catch(() => {}); // already closed on success
      if (!kept) await unlink(temp).catch(() => {});
    }
  }

  async size(id: string): Promise<number | undefined> {
    try {
      return (await stat(this.path(id))).size;
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
  }

  read(id: string, range?: { start: number; end: number }): AsyncIterable<Uint8Array> {
    return createReadStream(this.path(id), range ? { start: range.start, end: range.end } : {});
  }

  async delete(id: string): Promise<void> {
    await unlink(this.path(id)).catch((err) => {
      if (!missing(err)) throw err;
    });
  }

  async cleanUp(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (missing(err)) return;
      throw err;
    }
    const host = hostname();
    const leftover = async (name: string) => {
      const m = TEMP_NAME.exec(name);
      if (!m) return false;
      if (m[1] === host) return !alive(Number(m[2])) || Number(m[2]) === process.pid;
      return (await stat(join(this.dir, name))).mtimeMs < Date.now() - FOREIGN_TEMP_MS;
    };
    for (const name of names) if (name.startsWith(TEMP_PREFIX) && (await leftover(name).catch(() => false))) await unlink(join(this.dir, name)).catch(() => {});
  }
}
