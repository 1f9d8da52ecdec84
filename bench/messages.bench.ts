// Message acceptance (protocol §5): throughput against a bare Hono JSON POST handler driven by the
// same load in the same run (goal ≥ 0.5 with every check and a durable, fsync'd store), then
// latency at a fixed 1,000 messages/s (goal p99 < 20 ms).
import { ROOT } from '../test/helpers/server.ts';
import { benchServer } from './lib/server.ts';
import { startChild } from './lib/process.ts';
import { runLoad } from './lib/load.ts';
import { enrollMany, envelope, logIn, messageRequest } from './lib/users.ts';
import { quantile, report, sleep } from './lib/stats.ts';

const USERS = 4;
// Throughput means at saturation, for both servers. The bare handler is saturated with 16 in
// flight; the real one acknowledges a message only after a WAL sync (1–2 ms on this disk), shared
// by every message committed meanwhile, so it needs more in flight to keep its cores busy: with 16
// it measured ~4,900/s, with 64 ~6,000/s, while the bare rate stayed within its noise.
const CONCURRENCY = 64;
const THROUGHPUT_MS = 5_000;
const RATE = 1_000;
const RATE_MS = 5_000;

const server = await benchServer();
const bare = await startChild(process.execPath, ['bench/lib/bare-hono.ts'], /listening on http:\/\/127\.0\.0\.1:(\d+)/, { cwd: ROOT });
try {
  const users = await enrollMany(server.url, USERS, 'msg');
  for (const u of users) await logIn(server.url, u);
  const batch = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      const from = users[i % USERS];
      return messageRequest(from, envelope(from, users[(i + 1) % USERS].login));
    });

  // The bare handler first, to learn how many envelopes the real run may need.
  const sample = batch(2_000);
  const base = await runLoad({ kind: 'closed', url: `http://127.0.0.1:${bare.port}`, requests: sample, cycle: true, concurrency: CONCURRENCY, warmup: 500, durationMs: THROUGHPUT_MS });
  const enough = Math.min(Math.ceil(base.rate * (THROUGHPUT_MS / 1000) * 0.8) + 1_000, 40_000);
  const real = await runLoad({ kind: 'closed', url: server.url, requests: batch(enough), concurrency: CONCURRENCY, warmup: 500, durationMs: THROUGHPUT_MS });
  const ratio = real.rate / base.rate;

  // The fixed rate measures a steady state: let the saturation run's aftermath (its WAL still being
  // checkpointed, its garbage) settle first instead of timing it.
  await sleep(1_000);
  const paced = await runLoad({ kind: 'open', url: server.url, requests: batch(Math.ceil((RATE * RATE_MS) / 1000)), rate: RATE, durationMs: RATE_MS, warmup: 200 });
  const p50 = quantile(paced.latencies, 0.5);
  const p99 = quantile(paced.latencies, 0.99);
  const allAccepted = (r: typeof real) => r.errors === 0 && (r.statuses['201'] ?? 0) === r.completed;

  report({
    bench: 'messages',
    title: 'Message accept: throughput against a bare Hono JSON POST, latency at 1,000 msgs/s',
    metrics: [
      {
        name: 'accepted messages/s',
        value: real.rate,
        unit: '/s',
        baseline: { name: 'bare Hono JSON POST', value: base.rate, unit: '/s' },
        ratio,
        goal: 'ratio ≥ 0.5',
        pass: ratio >= 0.5 && allAccepted(real),
      },
      {
        name: `accept p99 at ${RATE} msgs/s`,
        value: p99,
        unit: 'ms',
        baseline: { name: 'p50', value: p50, unit: 'ms' },
        goal: 'p99 < 20 ms',
        pass: p99 < 20 && allAccepted(paced) && paced.rate > RATE * 0.95,
      },
    ],
    notes: [
      `throughput: ${CONCURRENCY} in flight over keep-alive, ${USERS} senders; real ${JSON.stringify(real.statuses)} errors ${real.errors}, bare ${JSON.stringify(base.statuses)}`,
      `fixed rate: ${paced.completed} messages at ${paced.rate.toFixed(0)}/s, p50 ${p50.toFixed(2)} ms, p90 ${quantile(paced.latencies, 0.9).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${quantile(paced.latencies, 1).toFixed(1)} ms; ${JSON.stringify(paced.statuses)}`,
      'durable: each 201 leaves only once the envelope is committed and the WAL fdatasync\'d (one sync shared by the commits of the moment)',
      ...real.samples,
      ...paced.samples,
    ],
  });
} finally {
  await bare.stop();
  await server.stop();
}
