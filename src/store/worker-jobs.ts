// Jobs handed to one worker thread and answered by it in batches, for the message writer and the
// signature verifier. The thread starts with the first job and keeps the process alive only while
// jobs are in flight; the jobs of one turn of the event loop go in one message, because each post
// wakes the thread with a system call (half of what handing a message over cost the event loop).
// A thread that dies rejects what it held, since nothing of it was decided, and the next job
// starts a fresh one.
import type { Worker } from 'node:worker_threads';

/** What a thread answers for a batch: the jobs' numbers and, in the same order, their results. */
export interface Answers<A> {
  ns: number[];
  results: A[];
}

export interface WorkerJobsOptions<A, R> {
  /** Names the thread in errors: "the message writer". */
  name: string;
  start: () => Worker;
  /** A result, or the error its job is rejected with. */
  settle: (answer: A) => R | Error;
}

interface Waiting<R> {
  resolve: (r: R) => void;
  reject: (err: Error) => void;
}

export class WorkerJobs<J extends object, A, R> {
  private readonly o: WorkerJobsOptions<A, R>;
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting<R>>();
  private next = 0;
  private outbox: Array<J & { n: number }> = [];

  constructor(o: WorkerJobsOptions<A, R>) {
    this.o = o;
  }

  submit(job: J): Promise<R> {
    const n = this.next++;
    const worker = (this.worker ??= this.spawn());
    if (!this.waiting.size) worker.ref();
    return new Promise<R>((resolve, reject) => {
      this.waiting.set(n, { resolve, reject });
      if (this.outbox.push({ n, ...job }) === 1) setImmediate(() => this.post());
    });
  }

  /** Sends this turn's jobs now (before a message of the owner's that must come after them). */
  post(): void {
    const jobs = this.outbox;
    this.outbox = [];
    if (jobs.length) this.worker?.postMessage(jobs);
  }

  /** The thread, while there is one. */
  get running(): Worker | undefined {
    return this.worker;
  }

  /** Jobs submitted and not yet answered. */
  get pending(): number {
    return this.waiting.size;
  }

  private spawn(): Worker {
    const worker = this.o.start();
    worker.unref(); // kept alive only while jobs are in flight (see submit)
    worker.on('message', (m: Answers<A> | unknown) => {
      if (!isAnswers<A>(m)) return; // the owner's own messages
      m.ns.forEach((n, i) => {
        const w = this.waiting.get(n);
        if (!w) return;
        this.waiting.delete(n);
        const r = this.o.settle(m.results[i]);
        if (r instanceof Error) w.reject(r);
        else w.resolve(r);
      });
      if (!this.waiting.size) worker.unref();
    });
    // Once per thread: its 'error' comes before its 'exit', and by then the jobs waiting may be a
    // fresh thread's.
    const fail = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const w of this.waiting.values()) w.reject(new Error(`${this.o.name} stopped: ${why}`));
      this.waiting.clear();
      this.outbox = []; // rejected just now with the rest
    };
    worker.on('error', (err: Error) => fail(err.message));
    worker.on('exit', (code) => fail(`exit ${code}`));
    return worker;
  }
}

function isAnswers<A>(m: unknown): m is Answers<A> {
  return typeof m === 'object' && m !== null && Array.isArray((m as Answers<A>).ns);
}
