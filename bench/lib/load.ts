// The HTTP load generator (its client: wire.ts). It runs in a worker thread, so the client's own work (building and
// reading requests) never sits on the benchmark's main thread, and the server is another process
// altogether. Two shapes:
//   closed: `concurrency` requests in flight at all times (throughput);
//   open:   requests start at a fixed rate whatever the answers do (latency at a given load): a
//           stalled server shows as a long tail instead of quietly slowing the load down (no
//           coordinated omission).
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Agent, request } from 'node:http';
import { Pool, requestBytes } from './wire.ts';

export interface Req {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Source address on the loopback network (127.0.0.0/8), for per-address limits. */
  localAddress?: string;
}

interface JobBase {
  url: string;
  requests: Req[];
  /** Reuse `requests` round-robin instead of stopping when they run out. */
  cycle?: boolean;
  /** Leading requests whose answers are not counted (connections opening, JIT warming). */
  warmup?: number;
  /** Stop starting requests after this long (ms). */
  durationMs?: number;
  /** Sockets per host; defaults to the concurrency (closed) or 512 (open). */
  maxSockets?: number;
}

export interface ClosedJob extends JobBase {
  kind: 'closed';
  concurrency: number;
}

export interface OpenJob extends JobBase {
  kind: 'open';
  /** Requests per second. */
  rate: number;
  durationMs: number;
}

export type Job = ClosedJob | OpenJob;

export interface LoadResult {
  completed: number;
  errors: number;
  statuses: Record<string, number>;
  /** Milliseconds, in completion order, measured requests only. */
  latencies: number[];
  /**
   * Closed: the throughput window, from the first measured start until requests stop being started
   * (the deadline, or no requests left). Open: from the first measured start to the last answer.
   */
  elapsedMs: number;
  /**
   * Answers per second. Closed: every answer that arrives within the window, warm-up requests
   * included, over its length. With a constant number in flight that is the steady rate (Little's
   * law); counting only measured requests would leave out the work on warm-up requests still in
   * flight when the window opens — with 8 enrollments of ~350 ms each in flight, about 3% of it.
   */
  rate: number;
  /** A few answer bodies of unexpected statuses, to explain a failure. */
  samples: string[];
}

export function runLoad(job: Job): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { loadJob: job } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`load worker exited with ${code}`)));
  });
}

/** One request over a keep-alive agent: resolves with the status and body, or rejects on a socket error. */
export function send(url: URL, agent: Agent, r: Req): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        agent,
        headers: { ...r.headers, ...(r.body !== undefined ? { 'content-length': String(Buffer.byteLength(r.body)) } : {}) },
        ...(r.localAddress ? { localAddress: r.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

async function execute(job: Job): Promise<LoadResult> {
  const url = new URL(job.url);
  const maxSockets = job.maxSockets ?? (job.kind === 'closed' ? job.concurrency : 512);
  // One pool of keep-alive connections per source address (see wire.ts for why not node:http).
  const pools = new Map<string, Pool>();
  const poolFor = (localAddress = '') => {
    let pool = pools.get(localAddress);
    if (!pool) pools.set(localAddress, (pool = new Pool(url, maxSockets, localAddress || undefined)));
    return pool;
  };
  // Every request's bytes made before the clock starts: serializing is the client's work, not a
  // cost of the run (with 40,000 distinct envelopes it would otherwise fall inside the window).
  for (const r of job.requests) requestBytes(url.host, r);
  const warmup = job.warmup ?? 0;
  const total = job.cycle ? Infinity : job.requests.length;
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const samples: string[] = [];
  let errors = 0;
  let completed = 0;
  let next = 0;
  let firstStart = 0;
  let lastEnd = 0;
  /** Closed loops: answers within the throughput window, and when it closed. */
  let windowOpen = false;
  let windowEnd: number | undefined;
  let inWindow = 0;
  const deadline = job.durationMs !== undefined ? performance.now() + job.durationMs : Infinity;

  const one = async (index: number, start: number) => {
    const r = job.requests[index % job.requests.length];
    try {
      const res = await poolFor(r.localAddress).request(r);
      const end = performance.now();
      if (windowOpen && windowEnd === undefined) inWindow++;
      if (index < warmup) return;
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      latencies.push(end - start);
      completed++;
      lastEnd = end;
      if (res.status >= 400 && samples.length < 3) samples.push(`${res.status} ${res.body.toString('utf8').slice(0, 300)}`);
    } catch (err) {
      if (index >= warmup) {
        errors++;
        if (samples.length < 3) samples.push(`error ${(err as Error).message}`);
      }
    }
  };

  if (job.kind === 'closed') {
    const lane = async () => {
      while (next < total && performance.now() < deadline) {
        const i = next++;
        const start = performance.now();
        if (i === warmup) {
          firstStart = start;
          windowOpen = true;
        }
        await one(i, start);
      }
      windowEnd ??= performance.now(); // the first lane to stop closes the window
    };
    await Promise.all(Array.from({ length: job.concurrency }, lane));
  } else {
    const interval = 1000 / job.rate;
    const inflight = new Set<Promise<void>>();
    const t0 = performance.now();
    // Every request whose time has come starts now; then sleep until the next one is due. Timers
    // are about a millisecond coarse, so latency counts from the actual start, which the answers
    // of earlier requests never delay.
    while (next < total && t0 + next * interval <= deadline) {
      const now = performance.now();
      while (next < total && t0 + next * interval <= now) {
        const i = next++;
        const start = performance.now();
        if (i === warmup) firstStart = start;
        const p = one(i, start).finally(() => inflight.delete(p));
        inflight.add(p);
      }
      const wait = t0 + next * interval - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await Promise.all(inflight);
  }
  for (const pool of pools.values()) pool.close();
  const closed = job.kind === 'closed';
  const elapsedMs = closed && windowEnd !== undefined && windowOpen ? windowEnd - firstStart : lastEnd - firstStart;
  const answers = closed ? inWindow : completed;
  return { completed, errors, statuses, latencies, elapsedMs, rate: elapsedMs > 0 ? (answers / elapsedMs) * 1000 : 0, samples };
}

if (!isMainThread && workerData?.loadJob) {
  execute(workerData.loadJob as Job).then((r) => parentPort!.postMessage(r));
}
