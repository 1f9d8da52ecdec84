// A login storm in a worker thread: `concurrency` clients each asking for a challenge, signing it
// and logging in, over and over, until stopped. Every attempt costs the server one PBKDF2 hash, so
// a few more clients than the hash pool has threads keep it saturated.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Agent } from 'node:http';
import { once } from 'node:events';
import { createPrivateKey } from 'node:crypto';
import { signChallenge } from '../../test/helpers/login.ts';
import { send } from './load.ts';
import type { BenchUser } from './users.ts';

export interface StormJob {
  url: string;
  users: BenchUser[];
  concurrency: number;
}

export interface StormResult {
  attempts: number;
  statuses: Record<string, number>;
  elapsedMs: number;
  /** Completed logins per second. */
  rate: number;
}

/** The storm's progress at one moment: logins answered 200 so far, and when (performance.now of the storm's thread). */
export interface StormMark {
  ok: number;
  at: number;
}

export interface Storm {
  /** Progress now; two marks give the login rate between them. */
  mark(): Promise<StormMark>;
  stop(): Promise<StormResult>;
}

export async function startStorm(job: StormJob): Promise<Storm> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { stormJob: job } });
  await once(worker, 'message'); // started
  return {
    async mark() {
      worker.postMessage('mark');
      const [m] = (await once(worker, 'message')) as [StormMark];
      return m;
    },
    async stop() {
      worker.postMessage('stop');
      const [result] = (await once(worker, 'message')) as [StormResult];
      await worker.terminate();
      return result;
    },
  };
}

async function storm(job: StormJob): Promise<void> {
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const statuses: Record<string, number> = {};
  let attempts = 0;
  let stopping = false;
  parentPort!.on('message', (m) => {
    if (m === 'stop') stopping = true;
    if (m === 'mark') parentPort!.postMessage({ ok: statuses['200'] ?? 0, at: performance.now() } satisfies StormMark);
  });
  const json = (path: string, body: unknown) =>
    send(url, agent, { method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const start = performance.now();
  // Each key read once: the storm stands for browsers, whose work is not on the server's cores, so
  // what it does per login beside the server should be as little as it can be.
  const keys = job.users.map((u) => createPrivateKey(u.keyPem));
  const lane = async (i: number) => {
    const u = job.users[i % job.users.length];
    const key = keys[i % job.users.length];
    while (!stopping) {
      try {
        const c = await json('/api/v1/session/challenge', { login: u.login });
        const { challenge } = JSON.parse(c.body.toString('utf8'));
        const res = await json('/api/v1/session', {
          login: u.login,
          password: u.password,
          certificate: u.certificate,
          challenge,
          signature: signChallenge(key, challenge),
        });
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      } catch {
        statuses.error = (statuses.error ?? 0) + 1;
      }
      attempts++;
    }
  };
  parentPort!.postMessage('started');
  await Promise.all(Array.from({ length: job.concurrency }, (_, i) => lane(i)));
  const elapsedMs = performance.now() - start;
  agent.destroy();
  parentPort!.postMessage({ attempts, statuses, elapsedMs, rate: ((statuses['200'] ?? 0) / elapsedMs) * 1000 } satisfies StormResult);
}

if (!isMainThread && workerData?.stormJob) void storm(workerData.stormJob as StormJob);
