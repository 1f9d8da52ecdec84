// Enrollment throughput against the bare password hash. PBKDF2-SHA256 at the server's cost is the
// bulk of an enrollment by design, so the service should come close to the rate at which these
// cores can merely hash: validation, the CSR check, signing and storage together under 5% (issue 23;
// 10% before).
// Baseline: async crypto.pbkdf2 with the same parameters, the same thread-pool size and enough
// work queued to keep every core busy, in this process while the server is not running; measured
// before and after the server's run and averaged, since other work on a shared machine drifts.
import { pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { availableParallelism } from 'node:os';
import { DEFAULT_PASSWORD_ITERATIONS as DEFAULT_ITERATIONS } from '../src/config.ts';
import { benchServer } from './lib/server.ts';
import { runLoad } from './lib/load.ts';
import { benchKeys, enrollRequest } from './lib/users.ts';
import { report } from './lib/stats.ts';

const derive = promisify(pbkdf2);
const SECONDS = 6;
const CONCURRENCY = 8;

async function bareHashRate(ms: number): Promise<number> {
  let done = 0;
  const start = performance.now();
  const end = start + ms;
  const lane = async () => {
    while (performance.now() < end) {
      await derive('correct horse battery staple', randomBytes(16), DEFAULT_ITERATIONS, 32, 'sha256');
      done++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return (done / (performance.now() - start)) * 1000;
}

await bareHashRate(500); // warm up
const before = await bareHashRate(SECONDS * 1000);
// A key of its own for each request (the CA certifies a key once), made before anything is timed.
const keys = await benchKeys(Math.ceil(before * SECONDS * 1.5) + 40);

const server = await benchServer();
try {
  const requests = keys.map(({ csr }) => ({
    method: 'POST',
    path: '/api/v1/enroll',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(enrollRequest('en', csr)),
  }));
  const r = await runLoad({ kind: 'closed', url: server.url, requests, concurrency: CONCURRENCY, warmup: 2 * CONCURRENCY, durationMs: SECONDS * 1000 + 1000 });
  await server.stop();
  const afterwards = await bareHashRate(SECONDS * 1000);
  const baseline = (before + afterwards) / 2;
  const ok = r.statuses['201'] ?? 0;
  const rate = r.rate;
  const ratio = rate / baseline;
  report({
    bench: 'enroll',
    title: 'Enrollment: requests/s against the bare PBKDF2 rate',
    metrics: [
      {
        name: 'enrollments/s',
        value: rate,
        unit: '/s',
        baseline: { name: `bare async pbkdf2 (${DEFAULT_ITERATIONS} iterations)`, value: baseline, unit: '/s' },
        ratio,
        goal: 'ratio ≥ 0.95',
        pass: ratio >= 0.95 && r.errors === 0 && ok === r.completed,
      },
    ],
    notes: [
      `${ok} enrollments measured, ${(r.elapsedMs / 1000).toFixed(1)} s of steady load, ${CONCURRENCY} in flight; statuses ${JSON.stringify(r.statuses)}, errors ${r.errors}`,
      `bare pbkdf2 ${before.toFixed(1)}/s before and ${afterwards.toFixed(1)}/s after; ${availableParallelism()} cores, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? 'default (4)'} for the baseline, the server hashes on ${availableParallelism()} threads of its own`,
      ...r.samples,
    ],
  });
} finally {
  await server.stop();
}
