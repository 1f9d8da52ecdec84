// A 1:1 message between two people with three devices each (protocol §6 and §7): the envelope
// carries six wrapped keys, and the relay checks them against both people's current certificates.
// Accept latency at a fixed rate and the envelope's size, against single-device messages (version
// 1, two keys) between two other people, sent at the same time in the same run.
import { benchServer } from './lib/server.ts';
import { runLoad } from './lib/load.ts';
import { benchKeys, enrollMany, envelope, envelopeV2, logIn, messageRequest, type BenchUser } from './lib/users.ts';
import { quantile, report, sleep } from './lib/stats.ts';
import { postJson } from '../test/helpers/users.ts';

const DEVICES = 3;
const RATE = 300;
const RATE_MS = 6_000;

const server = await benchServer();

/** Links `n - 1` more devices to `u` through the protocol's linking routes; their serials. */
async function linkDevices(u: BenchUser, n: number): Promise<string[]> {
  const serials = [u.serial];
  for (const { csr } of await benchKeys(n - 1)) {
    const asked = await postJson(`${server.url}/api/v1/devices/link`, { login: u.login, password: u.password, csr, deviceName: `Device ${serials.length + 1}` });
    if (asked.status !== 202) throw new Error(`link ${asked.status} ${JSON.stringify(asked.json)}`);
    const approved = await postJson(`${server.url}/api/v1/devices/requests/${asked.json.request}/approve`, { code: asked.json.code }, { authorization: `Bearer ${u.token}` });
    if (approved.status !== 201) throw new Error(`approve ${approved.status} ${JSON.stringify(approved.json)}`);
    serials.push(approved.json.serial);
  }
  return serials;
}

try {
  const [ann, bob, carl, dora] = await enrollMany(server.url, 4, 'dev');
  for (const u of [ann, bob, carl, dora]) await logIn(server.url, u);
  const serials = [...(await linkDevices(ann, DEVICES)), ...(await linkDevices(bob, DEVICES))];

  const half = Math.ceil((RATE * RATE_MS) / 2000);
  const multiRequests = Array.from({ length: half }, () => messageRequest(ann, envelopeV2(ann, bob.login, serials)));
  const singleRequests = Array.from({ length: half }, () => messageRequest(carl, envelope(carl, dora.login)));
  const sizeV2 = Buffer.byteLength(multiRequests[0].body);
  const sizeV1 = Buffer.byteLength(singleRequests[0].body);
  await sleep(500);
  // Both kinds at once, half the rate each, so that the machine's state weighs on both alike.
  const [multiRun, singleRun] = await Promise.all(
    [multiRequests, singleRequests].map((requests) => runLoad({ kind: 'open', url: server.url, requests, rate: RATE / 2, durationMs: RATE_MS, warmup: 50 })),
  );
  const multi = multiRun.latencies;
  const single = singleRun.latencies;
  const p99Multi = quantile(multi, 0.99);
  const p99Single = quantile(single, 0.99);
  const accepted = (r: typeof multiRun) => r.errors === 0 && (r.statuses['201'] ?? 0) === r.completed;
  const allAccepted = accepted(multiRun) && accepted(singleRun);

  report({
    bench: 'devices',
    title: 'A message to 3 + 3 devices (envelope v2) against a single-device one (v1), in the same run',
    metrics: [
      {
        name: `accept p99 at ${RATE} msgs/s, 3 + 3 devices`,
        value: p99Multi,
        unit: 'ms',
        baseline: { name: 'single-device p99', value: p99Single, unit: 'ms' },
        ratio: p99Multi / p99Single,
        goal: 'none: what six devices cost',
        pass: allAccepted,
      },
      {
        name: 'request body, 3 + 3 devices',
        value: sizeV2,
        unit: 'B',
        baseline: { name: 'single device', value: sizeV1, unit: 'B' },
        ratio: sizeV2 / sizeV1,
        goal: 'none: ~350 B of base64 per wrapped key',
        pass: true,
      },
    ],
    notes: [
      `3 + 3 devices: ${multiRun.completed} at ${multiRun.rate.toFixed(0)}/s ${JSON.stringify(multiRun.statuses)}; single device: ${singleRun.completed} at ${singleRun.rate.toFixed(0)}/s ${JSON.stringify(singleRun.statuses)}`,
      `3 + 3 devices: p50 ${quantile(multi, 0.5).toFixed(2)} ms, p99 ${p99Multi.toFixed(2)} ms; single device: p50 ${quantile(single, 0.5).toFixed(2)} ms, p99 ${p99Single.toFixed(2)} ms`,
      ...multiRun.samples,
      ...singleRun.samples,
    ],
  });
} finally {
  await server.stop();
}
