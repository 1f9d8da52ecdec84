// WAL checkpoints on a thread of their own. A checkpoint copies the pages the WAL holds into the
// database file and syncs it: with node:sqlite's synchronous API, on the event loop, every request
// waits while it runs. Left to SQLite, it runs in whichever commit crosses the threshold (1,000
// pages) — and only in a statement that steps to its end, so the INSERT … RETURNING of every message
// never triggered one, and the first last-seen write of each second copied the whole second's WAL
// (~20 MB at 1,000 msgs/s) while the event loop stood still for 10–16 ms. Here a worker with its own
// connection runs a PASSIVE checkpoint every 100 ms, which never blocks writers, and the server's
// own connection keeps SQLite's automatic checkpoint only as a far-off backstop.
//
// The worker is a small CommonJS script passed as source (`eval`), so it also runs inside the
// single executable, where there is no file to point a Worker at.
import { Worker } from 'node:worker_threads';
import type { Db } from './sqlite.ts';

/** How often the worker checkpoints (ms): at 1,000 msgs/s the WAL gathers ~2 MB meanwhile. */
const EVERY_MS = 100;
/** The server connection's own automatic checkpoint, if the worker ever falls behind (~40 MB). */
const BACKSTOP_PAGES = 10_000;

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.file);
// The same durability as the server's connection: the WAL is synced before a checkpoint copies it
// and the database file after. busy_timeout 0: a checkpoint that meets a lock waits for the next
// round instead of sleeping. With no new frames a checkpoint reads the WAL index and returns.
db.exec('PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 0; PRAGMA wal_autocheckpoint = 0;');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let timer;
const round = () => {
  try {
    const r = checkpoint.get();
    parentPort.postMessage({ frames: Number(r.checkpointed) });
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
  timer = setTimeout(round, workerData.everyMs);
};
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.postMessage({ stopped: true });
});
round();`;

export interface Checkpoints {
  /** Rounds run so far (for tests). */
  readonly rounds: number;
  stop(): Promise<void>;
}

/** Starts the checkpoint worker for `db` (nothing for an in-memory database). */
export function startCheckpoints(db: Db, onError: (message: string) => void = () => {}): Checkpoints {
  const file = db.location();
  if (!file) return { rounds: 0, stop: async () => {} };
  db.exec(`PRAGMA wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, everyMs: EVERY_MS } });
  worker.unref(); // never what keeps the process alive
  let rounds = 0;
  let stopped: Promise<void> | undefined;
  let onStopped = () => {};
  worker.on('message', (m: { frames?: number; error?: string; stopped?: true }) => {
    if (m.error !== undefined) onError(m.error);
    else if (m.stopped) onStopped();
    else rounds++;
  });
  worker.on('error', (err: Error) => onError(err.message));
  return {
    get rounds() {
      return rounds;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        const done = () => void worker.terminate().finally(resolve);
        onStopped = done;
        worker.once('exit', () => resolve());
        setTimeout(done, 2_000).unref(); // a worker stuck in a checkpoint still goes
        worker.postMessage('stop');
      });
      return stopped;
    },
  };
}
