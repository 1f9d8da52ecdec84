// The RSA-PSS check of message envelopes on a thread of its own, for the stores whose commits are
// not on a thread already (PostgreSQL; the SQLite writer verifies on its own thread with the same
// code, VERIFIES_SOURCE). node's callback form of crypto.verify was measured costlier on this path:
// ~26 µs of job set-up on the event loop per message, and ~68 µs across libuv's four pool threads
// for a ~22 µs verification (OpenSSL 3 contexts made and contended by threads in turn), where one
// thread verifying in a loop pays the verification alone.
//
// Like the message writer, the worker is CommonJS passed as source (`eval`), so it runs inside the
// single executable too; its jobs go as the writer's do (src/store/worker-jobs.ts).
import { Worker } from 'node:worker_threads';
import { WorkerJobs } from './worker-jobs.ts';

export interface VerifyJob {
  /** The signed text (RFC 8785 of the envelope without `sig`) and its base64 signature. */
  text: string;
  sig: string;
  /** The signer's certificate: its serial names the key the worker keeps. */
  serial: string;
  der: Uint8Array;
}

/** Parsed signer keys kept, by certificate serial: a sender's next message skips the DER parse. */
const KEYS_KEPT = 10_000;

/**
 * Defines `verifies(job)` (true only for a signature that holds) with its cache of parsed keys;
 * shared by this worker and the SQLite message writer's.
 */
export const VERIFIES_SOURCE = `
const { X509Certificate, verify, constants } = require('node:crypto');
const keys = new Map();
const verifies = (j) => {
  try {
    let key = keys.get(j.serial);
    if (!key) {
      if (keys.size >= ${KEYS_KEPT}) keys.clear();
      keys.set(j.serial, (key = new X509Certificate(j.der).publicKey));
    }
    return verify('sha256', Buffer.from(j.text), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(j.sig, 'base64'));
  } catch {
    return false; // an unreadable certificate, a signature longer than the modulus
  }
};`;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
${VERIFIES_SOURCE}
parentPort.on('message', (jobs) => parentPort.postMessage({ ns: jobs.map((j) => j.n), results: jobs.map(verifies) }));`;

export class SignatureVerifier {
  private readonly jobs = new WorkerJobs<VerifyJob, boolean, boolean>({
    name: 'the signature verifier',
    start: () => new Worker(WORKER_SOURCE, { eval: true }),
    settle: (ok) => ok,
  });
  private closed = false;

  /** Whether the signature holds. Rejects only when the thread itself failed (nothing was decided). */
  verify(job: VerifyJob): Promise<boolean> {
    if (this.closed) return Promise.reject(new Error('the signature verifier is closed'));
    return this.jobs.submit(job);
  }

  /** Stops the thread once what was submitted is answered. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.jobs.running;
    if (!worker) return;
    if (this.jobs.pending)
      await new Promise<void>((resolve) => {
        worker.on('message', () => !this.jobs.pending && resolve());
        worker.once('exit', () => resolve()); // died meanwhile: its jobs were rejected
      });
    await worker.terminate();
  }
}
