// Server-Sent Events at scale: 2,000 concurrent streams held by one server (goal: all of them,
// under 400 MiB resident), and the time from sending a message to its arrival on the recipient's
// stream while they are all connected (goal p99 < 10 ms). Baselines: the server's resident size
// before the streams opened, and the accept latency (POST to 201) of the same messages.
import { benchServer, rssBytes } from './lib/server.ts';
import { openStreams } from './lib/sse-clients.ts';
import { enrollMany, envelope, logIn } from './lib/users.ts';
import { quantile, report, sleep } from './lib/stats.ts';

const CLIENTS = 2_000;
const USERS = 40; // besides the receiver; streams share users, as several tabs of one user do
const MESSAGES = 300;
/** Sent first at the same rate, not timed (see ProbeJob.warmup). */
const WARMUP = 50;
const RATE = 50;
const MIB = 1024 * 1024;

const server = await benchServer();
try {
  const users = await enrollMany(server.url, USERS + 2, 'sse');
  const sender = users.pop()!;
  const receiver = users.pop()!;
  for (const u of [...users, sender, receiver]) await logIn(server.url, u);

  // Warm the stream path once so the baseline holds the code it needs.
  const warm = await openStreams({ url: server.url, tokens: users.map((u) => u.token!), opening: 50 });
  await warm.close();
  await sleep(1_000);
  const idle = rssBytes(server.proc.pid!);

  // Stream 0 is the receiver's only one (the one timed); the others are spread over the rest.
  const tokens = [receiver.token!, ...Array.from({ length: CLIENTS - 1 }, (_, i) => users[i % USERS].token!)];
  const streams = await openStreams({ url: server.url, tokens, opening: 100 });
  await sleep(1_000);
  const held = rssBytes(server.proc.pid!);

  const bodies = Array.from({ length: WARMUP + MESSAGES }, () => JSON.stringify(envelope(sender, receiver.login)));
  const probe = await streams.probe({ stream: 0, senderToken: sender.token!, bodies, rate: RATE, warmup: WARMUP });
  const afterProbe = rssBytes(server.proc.pid!);
  await streams.close();

  const p99 = quantile(probe.receive, 0.99);
  const acceptP99 = quantile(probe.accept, 0.99);
  const perClient = (held - idle) / streams.ready;
  report({
    bench: 'sse',
    title: `SSE: ${CLIENTS} concurrent streams, resident memory, send→receive latency`,
    metrics: [
      {
        name: 'streams held',
        value: streams.ready,
        unit: 'streams',
        baseline: { name: 'asked for', value: CLIENTS, unit: 'streams' },
        ratio: streams.ready / CLIENTS,
        goal: `all ${CLIENTS}`,
        pass: streams.ready === CLIENTS,
      },
      {
        name: `server RSS with ${streams.ready} streams`,
        value: held / MIB,
        unit: 'MiB',
        baseline: { name: 'idle', value: idle / MIB, unit: 'MiB' },
        ratio: held / idle,
        goal: '< 400 MiB',
        pass: held < 400 * MIB && streams.ready === CLIENTS,
      },
      {
        name: 'send→receive p99',
        value: p99,
        unit: 'ms',
        baseline: { name: 'accept (POST→201) p99', value: acceptP99, unit: 'ms' },
        ratio: p99 / acceptP99,
        goal: 'p99 < 10 ms',
        pass: p99 < 10 && probe.lost === 0 && probe.receive.length === MESSAGES,
      },
    ],
    notes: [
      `${(perClient / 1024).toFixed(1)} KiB of server RSS per stream, ${streams.failed} failed to open; RSS after the probe ${(afterProbe / MIB).toFixed(0)} MiB`,
      `${CLIENTS} streams over ${USERS + 1} users; probe: ${MESSAGES} messages at ${RATE}/s (after ${WARMUP} untimed) from a user without a stream to one with one stream, timed on the same thread; send→receive p50 ${quantile(probe.receive, 0.5).toFixed(2)} ms, max ${quantile(probe.receive, 1).toFixed(1)} ms; ${probe.lost} not received`,
    ],
  });
} finally {
  await server.stop();
}
