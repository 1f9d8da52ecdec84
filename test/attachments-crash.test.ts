// An upload cut by kill -9 (protocol §8: the body is synced and atomically named before the answer):
// the real server is killed while a body is still streaming in; restarted on the same data
// directory, it serves nothing under that body's id, keeps no temporary file, and takes the same
// bytes again as a new upload. And the memory an upload takes: a 20 MiB body streamed to disk
// grows the server's resident set by well under the body's size.
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type Running } from './helpers/server.ts';
import { apiLogin, webUser } from './helpers/webuser.ts';
import { rssBytes } from '../bench/lib/server.ts';

const MiB = 1024 * 1024;
let server: Running | undefined;
after(async () => {
  await server?.stop('SIGKILL');
});

const upload = (url: string, token: string, body: Uint8Array | ReadableStream<Uint8Array>) =>
  fetch(`${url}/api/v1/attachments`, {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);

it('leaves no file to serve and no temporary file after a kill -9 during an upload, and takes the bytes again after the restart', async () => {
  server = await startServer();
  const me = await webUser(server.url, 'crash');
  const bytes = randomBytes(2 * MiB);
  const id = createHash('sha256').update(bytes).digest('hex');
  let sent = 0;
  let halfway: () => void;
  const reachedHalf = new Promise<void>((resolve) => (halfway = resolve));
  // Half the body quickly, then a trickle that outlives the server.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= bytes.length) return controller.close();
      const n = sent < MiB ? 256 * 1024 : 1024;
      controller.enqueue(bytes.subarray(sent, sent + n));
      sent += n;
      if (sent >= MiB) {
        halfway();
        await sleep(50);
      }
    },
  });
  const answer = upload(server.url, me.token, body).then(
    (r) => r.status,
    () => 'cut',
  );
  await reachedHalf;
  await sleep(500); // the server has written what arrived to its temporary file
  const dir = join(server.dataDir, 'attachments');
  assert.ok(readdirSync(dir).some((n) => n.startsWith('.upload-')), 'the upload was under way');
  const dataDir = server.dataDir;
  await server.stop('SIGKILL');
  server = undefined;
  assert.equal(await answer, 'cut');
  assert.ok(!existsSync(join(dir, id.slice(0, 2), id)), 'nothing under the id');

  server = await startServer({ dataDir });
  // The start-up clean-up runs in the background, just after start.
  for (let i = 0; i < 100 && readdirSync(dir).some((n) => n.startsWith('.upload-')); i++) await sleep(100);
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.')), [], 'no temporary file left');
  const token = await apiLogin(server.url, me);
  const get = await fetch(`${server.url}/api/v1/attachments/${id}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(get.status, 404);
  const again = await upload(server.url, token, bytes);
  assert.equal(again.status, 201, 'a new upload: nothing of the cut one was kept');
  assert.deepEqual(await again.json(), { id, size: bytes.length });
  await server.stop();
  server = undefined;
});

// Issue 22: under 32 MiB. The body is read from Node's request itself, in writes of 1 MiB
// (src/web/body.ts bodyChunks, src/store/files/attachment-bodies.ts).
it('streams a 20 MiB upload to disk: the resident set grows by less than 32 MiB', async (t) => {
  server = await startServer({ args: ['--quiet'] });
  const me = await webUser(server.url, 'rss');
  const pid = server.proc.pid!;
  // A first small upload, so that what every upload needs once (code, buffers) is counted before.
  assert.equal((await upload(server.url, me.token, randomBytes(1000))).status, 201);
  const before = rssBytes(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 20);
  const chunk = 256 * 1024;
  let left = 20 * MiB;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left <= 0) return controller.close();
      controller.enqueue(randomBytes(chunk));
      left -= chunk;
    },
  });
  try {
    const res = await upload(server.url, me.token, body);
    assert.equal(res.status, 201, await res.clone().text());
    assert.equal(((await res.json()) as { size: number }).size, 20 * MiB);
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, rssBytes(pid));
  const growth = peak - before;
  t.diagnostic(`the resident set grew by ${(growth / MiB).toFixed(1)} MiB`);
  assert.ok(growth < 32 * MiB, `the resident set grew by ${(growth / MiB).toFixed(1)} MiB`);
  await server.stop();
  server = undefined;
});
