// Attachments (protocol §8): upload throughput against the disk's own (writing and hashing the same
// bytes to a file of the same filesystem, synced, in this run), and the server's memory while 8
// uploads run at once. The server's bodies go to its data directory, on the same disk as the
// baseline's file (both under the system's temporary directory).
import { createHash, randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:http';
import { once } from 'node:events';
import { benchServer, rssBytes } from './lib/server.ts';
import { enrollMany, logIn } from './lib/users.ts';
import { report } from './lib/stats.ts';

const MiB = 1024 * 1024;
const SIZE = 20 * MiB;
const ROUNDS = 5;
const PARALLEL = 8;
const CHUNK = 256 * 1024;

/** SIZE bytes in CHUNK pieces, made once: the client's cost is the same for every round. */
const pieces = Array.from({ length: SIZE / CHUNK }, () => randomBytes(CHUNK));

/** A fresh body each time (its first bytes differ: no dedupe). */
function body(): Buffer[] {
  const salt = randomBytes(32);
  return [Buffer.concat([salt, pieces[0].subarray(32)]), ...pieces.slice(1)];
}

/**
 * POSTs the pieces with their length, as a browser sends a Blob, over node:http: fetch's web
 * streams cost the client more CPU than the server spends, on a machine of two cores they share.
 */
function post(url: string, token: string, parts: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(SIZE) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    void (async () => {
      for (const p of parts) if (!req.write(p)) await once(req, 'drain');
      req.end();
    })();
  });
}

async function diskBaseline(dir: string): Promise<number> {
  const file = join(dir, 'baseline.bin');
  const started = performance.now();
  for (let r = 0; r < ROUNDS; r++) {
    const fd = await open(file, 'w');
    const hash = createHash('sha256');
    for (const p of pieces) {
      hash.update(p);
      await fd.write(p);
    }
    await fd.datasync();
    await fd.close();
    hash.digest();
  }
  const seconds = (performance.now() - started) / 1000;
  await rm(file);
  return (ROUNDS * SIZE) / MiB / seconds;
}

const server = await benchServer({ TEKUP_ATTACHMENT_QUOTA_MB: String(64 * 1024) });
try {
  const [user] = await enrollMany(server.url, 1, 'att');
  const token = await logIn(server.url, user);
  const upload = async () => {
    const status = await post(server.url, token, body());
    if (status !== 201) throw new Error(`upload ${status}`);
  };
  await upload(); // warm-up
  const disk = await diskBaseline(server.dataDir);
  let started = performance.now();
  for (let r = 0; r < ROUNDS; r++) await upload();
  const serial = (ROUNDS * SIZE) / MiB / ((performance.now() - started) / 1000);

  const pid = server.proc.pid!;
  const before = rssBytes(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 20);
  started = performance.now();
  await Promise.all(Array.from({ length: PARALLEL }, upload));
  const parallelSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, rssBytes(pid));
  const growth = (peak - before) / MiB;

  report({
    bench: 'attachments',
    title: 'Attachments: upload throughput against the disk, and memory while 8 uploads run',
    metrics: [
      {
        name: 'upload throughput (one at a time)',
        value: serial,
        unit: 'MiB/s',
        baseline: { name: 'writing, hashing and syncing the same bytes to the same disk', value: disk, unit: 'MiB/s' },
        ratio: serial / disk,
        goal: 'ratio ≥ 0.5',
        pass: serial / disk >= 0.5,
      },
      {
        name: `resident set growth, ${PARALLEL} uploads of ${SIZE / MiB} MiB at once`,
        value: growth,
        unit: 'MiB',
        goal: `flat: < ${PARALLEL * 4} MiB (${PARALLEL} × 4 MiB, far below the ${(PARALLEL * SIZE) / MiB} MiB uploaded)`,
        pass: growth < PARALLEL * 4,
      },
    ],
    notes: [
      `${ROUNDS} uploads of ${SIZE / MiB} MiB each, with Content-Length over node:http, ${CHUNK / 1024} KiB pieces; the baseline writes the same pieces ${ROUNDS} times`,
      `${PARALLEL} parallel uploads took ${parallelSeconds.toFixed(1)} s (${((PARALLEL * SIZE) / MiB / parallelSeconds).toFixed(0)} MiB/s together); resident set ${(before / MiB).toFixed(0)} MiB before`,
    ],
  });
} finally {
  await server.stop();
}
