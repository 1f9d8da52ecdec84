// Jobs answered by a worker thread in batches (src/store/worker-jobs.ts), under the message writer
// and the signature verifier. What must hold: each job gets its own answer; the jobs of one turn
// reach the thread as one batch; an answer the owner reads as an error rejects its job alone; a
// thread that dies rejects what it held, and the next job starts a fresh thread that its death no
// longer touches.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { WorkerJobs } from '../src/store/worker-jobs.ts';

// Answers each job with its x doubled and the size of the batch it came in; dies on `die`, by an
// uncaught error: the thread's 'error' comes first, its 'exit' a moment later.
const SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (jobs) => {
  if (jobs.some((j) => j.die)) throw new Error('died'); // 'error', then 'exit'
  parentPort.postMessage({ ns: jobs.map((j) => j.n), results: jobs.map((j) => (j.x < 0 ? { error: 'negative' } : { twice: j.x * 2, batch: jobs.length })) });
});`;

type Job = { x: number; die?: boolean };
type Answer = { twice: number; batch: number } | { error: string };

function jobs() {
  let started = 0;
  const q = new WorkerJobs<Job, Answer, { twice: number; batch: number }>({
    name: 'the doubler',
    start: () => (started++, new Worker(SOURCE, { eval: true })),
    settle: (a) => ('error' in a ? new Error(a.error) : a),
  });
  return { q, started: () => started };
}

describe('worker jobs', () => {
  it('answers each job as its own, the jobs of one turn in one batch, an error answer rejecting its job alone', async () => {
    const { q, started } = jobs();
    const settled = await Promise.allSettled([q.submit({ x: 1 }), q.submit({ x: -1 }), q.submit({ x: 3 })]);
    assert.deepEqual(settled[0], { status: 'fulfilled', value: { twice: 2, batch: 3 } });
    assert.equal(settled[1].status, 'rejected');
    assert.match(String((settled[1] as PromiseRejectedResult).reason), /negative/);
    assert.deepEqual(settled[2], { status: 'fulfilled', value: { twice: 6, batch: 3 } });
    assert.deepEqual(await q.submit({ x: 5 }), { twice: 10, batch: 1 }); // a later turn: a batch of its own
    assert.equal(started(), 1);
    assert.equal(q.pending, 0);
    await q.running?.terminate();
  });

  it('a thread that dies rejects what it held; the next job starts a fresh thread, which the old one’s end leaves alone', async () => {
    const { q, started } = jobs();
    const held = [q.submit({ x: 1 }), q.submit({ x: 0, die: true })];
    for (const h of held) await assert.rejects(h, /the doubler stopped: died/);
    assert.equal(q.running, undefined);
    assert.equal(q.pending, 0);
    const fresh = await Promise.all([q.submit({ x: 2 }), q.submit({ x: 4 })]);
    assert.deepEqual(fresh, [{ twice: 4, batch: 2 }, { twice: 8, batch: 2 }]);
    assert.equal(started(), 2);
    await (q.running as Worker | undefined)?.terminate();
    await assert.rejects(q.submit({ x: 0, die: true }), /stopped/);
  });
});
