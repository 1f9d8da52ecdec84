// Password hashing on threads of its own. PBKDF2 at 600,000 iterations is ~80 ms of CPU. Through
// the async crypto.pbkdf2 it would run on libuv's shared thread pool, where a login storm queues
// hash after hash ahead of everything else that pool does: the database's durability syncs,
// WebCrypto signatures and digests. So hashes get worker threads (one per core) and a queue of
// their own, and the rest of the server keeps moving while they grind.
//
// Those threads run at a lower OS priority than the event loop. A hash is 80 ms of CPU that nobody
// watches tick; a message, a page, a stream write are a few ms someone waits for. At the same
// priority as the event loop, anything else wanting the cores (another process, a backup, a noisy
// neighbour) leaves the event loop queued behind 80 ms hashes; lowered, the scheduler hands the
// event loop a core the moment it wakes, and the hashes take whatever is left, which on an idle
// machine is all of it. Nice 10, not the lowest (19): against a process that keeps every core
// busy at normal priority a thread at 19 gets ~1.5% of a core and logins all but stop (a login
// took seconds in the loaded test runs); at 10 it still gets ~10%, and the event loop wins as
// surely (measured: docs/performance.md). Linux keeps a nice value per thread, so each worker
// lowers its own, found by its thread id (/proc/thread-self): no child processes, and the pool
// works the same in the single executable. Where that file does not exist (not Linux) the threads
// keep the normal priority.
//
// The worker is a small CommonJS script passed as source (`eval`), so it also runs inside the
// single executable, where there is no file to point a Worker at.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

/** The nice value the hashing threads run at (0 is normal, 19 the lowest). */
export const HASH_PRIORITY = 10;
/** Jobs a thread holds at once: the one it works on and the next (see dispatch). */
const PER_THREAD = 2;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { pbkdf2Sync } = require('node:crypto');
let thread = null;
try {
  thread = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  require('node:os').setPriority(thread, ${HASH_PRIORITY});
} catch {
  thread = null;
}
parentPort.postMessage({ thread });
parentPort.on('message', (job) => {
  let reply;
  try {
    reply = { hash: pbkdf2Sync(job.password, job.salt, job.iterations, job.keylen, 'sha256') };
  } catch (err) {
    reply = { error: String((err && err.message) || err) };
  }
  parentPort.postMessage(reply);
});`;

export interface HashJob {
  password: string;
  salt: Uint8Array;
  iterations: number;
  keylen: number;
}

interface Queued {
  job: HashJob;
  resolve: (hash: Buffer) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Jobs posted to this thread, in the order it answers them: the one it works on, then the next. */
  jobs: Queued[];
  /** The OS thread id, once the worker has said it (null where it could not lower its priority). */
  thread?: number | null;
}

export class HashPool {
  private readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];

  constructor(size = Math.max(1, Math.min(availableParallelism(), 16))) {
    this.size = size;
  }

  /** PBKDF2-HMAC-SHA256 of `job.password`, computed on a pool thread. */
  pbkdf2(job: HashJob): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** The OS thread ids of the threads started so far that run at HASH_PRIORITY. */
  get loweredThreads(): number[] {
    return this.slots.flatMap((s) => (typeof s.thread === 'number' ? [s.thread] : []));
  }

  /** Jobs waiting in the pool for a thread (not those a thread runs or holds next). */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Hands queued jobs to threads: an idle one first, then a new one, then a second job to a busy
   * one, which starts it the moment it finishes the first. Each thread holds a next job rather
   * than waiting for the event loop to hand it one: a thread that finished a hash would otherwise
   * sit idle until the event loop read its answer, and the event loop is busy exactly when logins
   * pour in (up to a fifth of the hashing capacity lost in a storm's enrollments and logins).
   */
  private dispatch(): void {
    while (this.queue.length) {
      const slot =
        this.slots.find((s) => s.jobs.length === 0) ??
        (this.slots.length < this.size ? this.spawn() : this.slots.find((s) => s.jobs.length < PER_THREAD));
      if (!slot) return;
      const next = this.queue.shift()!;
      slot.jobs.push(next);
      // Held only while working: an idle pool never keeps the process alive.
      slot.worker.ref();
      slot.worker.postMessage(next.job);
    }
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true }), jobs: [] };
    slot.worker.unref();
    slot.worker.on('message', (reply: { hash?: Uint8Array; error?: string; thread?: number | null }) => {
      if ('thread' in reply) {
        slot.thread = reply.thread;
        return;
      }
      const done = slot.jobs.shift();
      if (slot.jobs.length === 0) slot.worker.unref();
      if (reply.hash) done?.resolve(Buffer.from(reply.hash.buffer, reply.hash.byteOffset, reply.hash.byteLength));
      else done?.reject(new Error(`password hashing failed: ${reply.error}`));
      this.dispatch();
    });
    // A worker that dies takes only the job it was working on with it; the one it held next goes
    // back to the front of the queue, and the next job gets a fresh thread.
    const lost = (err: Error) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      const [working, ...held] = slot.jobs;
      slot.jobs = [];
      working?.reject(err);
      this.queue.unshift(...held);
      this.dispatch();
    };
    slot.worker.on('error', lost);
    slot.worker.on('exit', (code) => lost(new Error(`password hashing thread exited (${code})`)));
    this.slots.push(slot);
    return slot;
  }
}

/** The process-wide pool: hashing capacity is the machine's cores, shared by every caller. */
export const hashPool = new HashPool();
