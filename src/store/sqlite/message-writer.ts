// Accepting a message ends in two steps that cost more than everything before them: checking the
// envelope's RSA-PSS signature and committing it to SQLite. Both run here, on a worker thread with
// its own connection to the database, so the event loop only parses, looks up and answers; on this
// two-core machine that lets a second core take part in every message.
//
// The worker takes the jobs that arrived together, verifies each, inserts the ones that verify in
// one transaction, syncs the WAL once, and only then answers the whole batch, in order: while it
// waits for the disk, the next batch gathers (a group commit). The WAL sync covers whatever the
// server's own connection committed before posting the job, such as the sender's last-seen time.
// Under load the worker also checkpoints the WAL between its own commits (see checkpointNow); the
// event loop posts its jobs once per turn (src/store/worker-jobs.ts).
//
// Like the checkpoint worker, it is a CommonJS script passed as source (`eval`), so it also runs
// inside the single executable; it needs nothing but Node's own modules.
import { Worker } from 'node:worker_threads';
import { VERIFIES_SOURCE, type VerifyJob } from '../signature-verifier.ts';
import { WorkerJobs } from '../worker-jobs.ts';

/** A signature to check (VERIFIES_SOURCE, on this thread) and, when it holds, the row to store. */
export interface WriteJob extends VerifyJob {
  /** The messages row. */
  row: [id: string, from: string, to: string, receivedAt: string, envelope: string];
  /** A group message: stored only while the group is at this epoch, which the row keeps. */
  group?: { id: string; epoch: number };
  /** Attachments it lists: each must be an upload of the sender's still kept, and is then referenced. */
  files?: readonly string[];
}

export type WriteResult = { seq: number } | { refused: 'bad_signature' | 'replay' | 'stale_epoch' | 'unknown_file' };

/** The writer's statements (exported for bench/cluster.bench.ts, which times its insert alone). */
export const SQL = {
  insert:
    // No RETURNING: SQLite runs it as a trigger, which makes the insert a multi-row write kept in a
    // statement journal (a copy of every page it touches: ~9 µs of a message's ~100 on this thread).
    // The seq is the rowid, so the row's rowid tells it.
    'INSERT INTO messages (id, from_login, to_login, received_at, envelope, epoch) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING',
  groupEpoch: 'SELECT epoch FROM groups WHERE id = ?',
  taken: 'SELECT 1 FROM messages WHERE id = ?',
  uploaded: 'SELECT 1 FROM attachment_uploads WHERE id = ? AND uploader = ?',
  refer: 'INSERT INTO message_files (file_id, seq) VALUES (?, ?)',
};

/** How often this thread checkpoints the WAL between its commits while messages flow (ms). */
export const CHECKPOINT_MS = 50;

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const { openSync, closeSync, fdatasyncSync } = require('node:fs');
const db = new DatabaseSync(workerData.file);
// As on the server's connection: commits do not sync; the explicit WAL sync below does, once per batch.
db.exec('PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 0;');
const insert = db.prepare(workerData.sql.insert);
const groupEpoch = db.prepare(workerData.sql.groupEpoch);
const taken = db.prepare(workerData.sql.taken);
const uploaded = db.prepare(workerData.sql.uploaded);
const refer = db.prepare(workerData.sql.refer);
${VERIFIES_SOURCE}
let wal;
let queue = [];
let scheduled = false;

// The checkpoint worker (checkpoints.ts) copies the WAL into the database while this thread keeps
// committing, so it never catches up with the last frame, and SQLite starts the WAL over only once
// every frame was copied: under a steady stream of messages the WAL grew without end (170 MB after
// 14,000 messages), and every frame went to new blocks of the file, which the kernel zeroes first
// (over half of a commit's CPU). A checkpoint run here, between this thread's own commits, copies
// every frame, so the next commit starts the WAL over and writes into blocks it already has.
const walCheckpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let checkpointedAt = 0;
const checkpointNow = () => {
  const now = Date.now();
  if (now - checkpointedAt < workerData.checkpointMs) return;
  checkpointedAt = now;
  try {
    walCheckpoint.get();
  } catch {
    // Another checkpoint is under way: this one's work is being done.
  }
};

const flush = () => {
  scheduled = false;
  const batch = queue;
  queue = [];
  if (!batch.length) return;
  const results = new Array(batch.length);
  const verified = [];
  batch.forEach((j, i) => (verifies(j) ? verified.push(i) : (results[i] = { refused: 'bad_signature' })));
  if (verified.length) {
    try {
      db.exec('BEGIN IMMEDIATE');
      for (const i of verified) {
        const j = batch[i];
        // Inside the write transaction no group can change: the epoch read here is the one the
        // row is committed under. A message already stored is a replay, whatever the epoch now.
        if (j.group) {
          const g = groupEpoch.get(j.group.id);
          if (!g || Number(g.epoch) !== j.group.epoch) {
            results[i] = { refused: taken.get(j.row[0]) ? 'replay' : 'stale_epoch' };
            continue;
          }
        }
        // The sweep forgets an upload in a transaction of its own: here it is either still kept,
        // and this message's reference keeps it, or gone, and the message is refused.
        if (j.files && !j.files.every((f) => uploaded.get(f, j.row[1]))) {
          results[i] = { refused: taken.get(j.row[0]) ? 'replay' : 'unknown_file' };
          continue;
        }
        const done = insert.run(...j.row, j.group ? j.group.epoch : null);
        // No change: the id is taken (a replay, or the same id twice in this batch).
        const seq = done.changes ? Number(done.lastInsertRowid) : undefined;
        results[i] = seq === undefined ? { refused: 'replay' } : { seq };
        if (seq !== undefined && j.files) for (const f of j.files) refer.run(f, seq);
      }
      db.exec('COMMIT');
      wal ??= openSync(workerData.file + '-wal', 'r');
      fdatasyncSync(wal);
      // Only under load (a batch of several): between sparse commits the checkpoint worker copies
      // every frame itself, and a checkpoint here would hold the next message behind its disk sync.
      if (batch.length > 1) checkpointNow();
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      for (const i of verified) results[i] = { error: String((err && err.message) || err) };
    }
  }
  parentPort.postMessage({ ns: batch.map((j) => j.n), results });
};

parentPort.on('message', (m) => {
  if (m === 'stop') {
    flush(); // what arrived before the stop is answered first
    if (wal !== undefined) closeSync(wal);
    db.close();
    parentPort.postMessage('stopped');
    return;
  }
  for (const job of m) queue.push(job);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
});`;

export class MessageWriter {
  private readonly jobs: WorkerJobs<WriteJob, WriteResult | { error: string }, WriteResult>;
  private stopping: Promise<void> | undefined;

  constructor(file: string) {
    this.jobs = new WorkerJobs({
      name: 'the message writer',
      start: () => new Worker(WORKER_SOURCE, { eval: true, workerData: { file, sql: SQL, checkpointMs: CHECKPOINT_MS } }),
      settle: (r) => ('error' in r ? new Error(`storing the message failed: ${r.error}`) : r),
    });
  }

  /** Verifies and, when the signature holds, stores: resolves once the row is on disk. */
  write(job: WriteJob): Promise<WriteResult> {
    if (this.stopping) return Promise.reject(new Error('the message writer has stopped'));
    return this.jobs.submit(job);
  }

  /** Answers what was submitted, then closes the worker's connection. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      const worker = this.jobs.running;
      if (!worker) return resolve();
      worker.once('exit', () => resolve());
      worker.on('message', (m) => m === 'stopped' && void worker.terminate());
      setTimeout(() => void worker.terminate(), 5_000).unref(); // stuck on a lock: go anyway
      this.jobs.post(); // what was written before the stop goes first
      worker.postMessage('stop');
    });
    return this.stopping;
  }
}
