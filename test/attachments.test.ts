// Attachments over the API (protocol §8), on one in-process server whose clock the test moves: the
// upload answered by its hash (the same bytes again: 200, the same id), the size limit and the
// quota, the relay taking only files the sender uploaded, downloads for the message's parties
// alone (1:1 and group, by ranges too) with one 404 for everyone else, and the sweep of uploads no
// message listed within a day. Limits are small here (1 MiB, quota 3 MiB) so the bodies are.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeEnvelopeV2 } from '../src/client/envelope.ts';
import { importPublicKeys } from '../src/client/keys.ts';
import { x509 } from '../src/client/x509.ts';
import type { AttachmentV2 } from '../src/protocol/envelope.ts';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { send, webUser, type WebUser } from './helpers/webuser.ts';
import { postJson } from './helpers/users.ts';

const MiB = 1024 * 1024;
let server: InProcess;
let ann: WebUser;
let ben: WebUser;
let cat: WebUser;

before(async () => {
  server = await startInProcess({ env: { TEKUP_MAX_ATTACHMENT_MB: '1', TEKUP_ATTACHMENT_QUOTA_MB: '3' } });
  [ann, ben, cat] = await Promise.all([webUser(server.url, 'att'), webUser(server.url, 'att'), webUser(server.url, 'att')]);
});
after(() => server.close());

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const auth = (u: WebUser) => ({ authorization: `Bearer ${u.token}` });

function upload(as: WebUser, body: Uint8Array | ReadableStream<Uint8Array>, type = 'application/octet-stream') {
  return fetch(`${server.url}/api/v1/attachments`, {
    method: 'POST',
    body,
    headers: { ...auth(as), 'content-type': type },
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
}

async function uploaded(as: WebUser, body: Uint8Array): Promise<string> {
  const res = await upload(as, body);
  assert.ok(res.status === 201 || res.status === 200, `${res.status} ${await res.clone().text()}`);
  return ((await res.json()) as { id: string }).id;
}

const download = (as: WebUser, id: string, range?: string) =>
  fetch(`${server.url}/api/v1/attachments/${id}`, { headers: { ...auth(as), ...(range ? { range } : {}) } });

async function recipientsOf(...users: WebUser[]) {
  return Promise.all(users.map(async (u) => ({ serial: u.serial, publicKey: (await importPublicKeys(new x509.X509Certificate(u.certificate))).encrypt })));
}

const describeFile = (id: string, size: number): AttachmentV2 => ({
  id,
  key: randomBytes(32).toString('base64'),
  iv: randomBytes(12).toString('base64'),
  name: 'report.pdf',
  type: 'application/pdf',
  size,
  sha256: sha256(randomBytes(8)),
});

/** A version 2 envelope listing `ids`, to a login or a group at `epoch`. */
async function withFiles(from: WebUser, to: string, ids: string[], recipients: WebUser[], epoch?: number) {
  return makeEnvelopeV2({
    signKey: from.key.privateKeys.sign,
    from: from.login,
    senderCertSerial: from.serial,
    to,
    ...(epoch !== undefined ? { epoch } : {}),
    text: 'see attached',
    recipients: await recipientsOf(...recipients),
    attachments: ids.map((id) => describeFile(id, 10)),
  });
}

/** A stream of `chunks` chunks of `size` random bytes, sent without a length (chunked). */
function chunked(chunks: number, size: number): ReadableStream<Uint8Array> {
  let left = chunks;
  return new ReadableStream({
    pull(controller) {
      if (left-- > 0) controller.enqueue(randomBytes(size));
      else controller.close();
    },
  });
}

describe('uploading', () => {
  it('answers 201 with the hex SHA-256 and the size; the same bytes again 200 with the same id; another uploader 201', async () => {
    const bytes = randomBytes(70_000);
    const first = await upload(ann, bytes);
    assert.equal(first.status, 201);
    assert.deepEqual(await first.json(), { id: sha256(bytes), size: bytes.length });
    const again = await upload(ann, bytes);
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { id: sha256(bytes), size: bytes.length });
    // An upload of one's own: whether someone else holds these bytes is not told.
    const other = await upload(ben, bytes);
    assert.equal(other.status, 201);
    assert.equal(((await other.json()) as { id: string }).id, sha256(bytes));
    const stored = join(server.dataDir, 'attachments', sha256(bytes).slice(0, 2), sha256(bytes));
    assert.ok(existsSync(stored), 'one file under its id, in DATA/attachments');
  });

  it('streams a body without a length too, and takes an empty one', async () => {
    const res = await upload(ann, chunked(4, 100_000));
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as { size: number }).size, 400_000);
    const empty = await upload(ann, new Uint8Array(0));
    assert.ok([200, 201].includes(empty.status));
    assert.deepEqual(await empty.json(), { id: sha256(new Uint8Array(0)), size: 0 });
  });

  it('refuses another media type (415) and a caller without a session (401)', async () => {
    const res = await upload(ann, randomBytes(10), 'application/json');
    assert.equal(res.status, 415);
    assert.equal(((await res.json()) as { error: string }).error, 'unsupported_media_type');
    const anonymous = await fetch(`${server.url}/api/v1/attachments`, { method: 'POST', body: randomBytes(10), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(anonymous.status, 401);
  });

  it('refuses a body over --max-attachment-mb with 413, declared or counted as it arrives, and keeps nothing', async () => {
    const declared = await upload(ann, randomBytes(MiB + 1));
    assert.equal(declared.status, 413);
    assert.equal(((await declared.json()) as { error: string }).error, 'payload_too_large');
    const streamed = await upload(ann, chunked(11, 100_000));
    assert.equal(streamed.status, 413);
    assert.equal(((await streamed.json()) as { error: string }).error, 'payload_too_large');
    const atLimit = await upload(ann, randomBytes(MiB));
    assert.equal(atLimit.status, 201, 'exactly the limit is allowed');
    const temps = readdirSync(join(server.dataDir, 'attachments')).filter((n) => n.startsWith('.'));
    assert.deepEqual(temps, [], 'no temporary file left behind');
  });

  it('refuses what would take the uploader over --attachment-quota-mb with 413 quota_exceeded; another user is not affected', async () => {
    const heavy = await webUser(server.url, 'att');
    for (let i = 0; i < 3; i++) assert.equal((await upload(heavy, randomBytes(MiB))).status, 201);
    const over = await upload(heavy, randomBytes(10));
    assert.equal(over.status, 413);
    const body = (await over.json()) as { error: string; quota: number };
    assert.equal(body.error, 'quota_exceeded');
    assert.equal(body.quota, 3 * MiB);
    const streamed = await upload(heavy, chunked(2, 10));
    assert.equal(streamed.status, 413);
    assert.equal(((await streamed.json()) as { error: string }).error, 'quota_exceeded');
    assert.equal((await upload(cat, randomBytes(10))).status, 201);
  });
});

describe('messages listing files, and downloads', () => {
  it('accepts an envelope listing files its sender uploaded, and refuses one listing a file they did not (400 message_rejected unknown_file)', async () => {
    const mine = await uploaded(ann, randomBytes(1000));
    assert.equal((await send(server.url, ann, await withFiles(ann, ben.login, [mine], [ann, ben]))).status, 201);
    const notMine = await uploaded(cat, randomBytes(1000));
    const refused = await send(server.url, ann, await withFiles(ann, ben.login, [mine, notMine], [ann, ben]));
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error, 'message_rejected');
    assert.equal(refused.json.reason, 'unknown_file');
    const never = await send(server.url, ann, await withFiles(ann, ben.login, ['ab'.repeat(32)], [ann, ben]));
    assert.equal(never.json.reason, 'unknown_file');
  });

  it('serves the file to both parties, whole and by ranges, and 404 to anyone else, exactly as for a file that does not exist', async () => {
    const bytes = randomBytes(5000);
    const id = await uploaded(ann, bytes);
    assert.equal((await download(ben, id)).status, 404, 'no message lists it yet');
    assert.equal((await download(ann, id)).status, 404, 'not even for its uploader');
    assert.equal((await send(server.url, ann, await withFiles(ann, ben.login, [id], [ann, ben]))).status, 201);
    for (const who of [ann, ben]) {
      const res = await download(who, id);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/octet-stream');
      assert.equal(res.headers.get('accept-ranges'), 'bytes');
      assert.equal(res.headers.get('content-length'), '5000');
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), new Uint8Array(bytes));
    }
    const part = await download(ben, id, 'bytes=100-199');
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), 'bytes 100-199/5000');
    assert.deepEqual(new Uint8Array(await part.arrayBuffer()), new Uint8Array(bytes.subarray(100, 200)));
    const tail = await download(ben, id, 'bytes=-10');
    assert.equal(tail.status, 206);
    assert.deepEqual(new Uint8Array(await tail.arrayBuffer()), new Uint8Array(bytes.subarray(4990)));
    const open = await download(ben, id, 'bytes=4000-');
    assert.equal(open.headers.get('content-range'), 'bytes 4000-4999/5000');
    assert.equal((await open.arrayBuffer()).byteLength, 1000);
    const beyond = await download(ben, id, 'bytes=5000-');
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), 'bytes */5000');
    await beyond.arrayBuffer();
    const several = await download(ben, id, 'bytes=0-1,5-6');
    assert.equal(several.status, 200, 'several ranges: the whole file');
    await several.arrayBuffer();

    const outsider = await download(cat, id);
    const missing = await download(cat, 'cd'.repeat(32));
    assert.equal(outsider.status, 404);
    assert.equal(missing.status, 404);
    assert.deepEqual(await outsider.json(), await missing.json(), 'not yours and no such file answer alike');
    const malformed = await download(cat, 'not-an-id');
    assert.equal(malformed.status, 404);
    assert.equal((await fetch(`${server.url}/api/v1/attachments/${id}`)).status, 401);
  });

  it('in a group, serves the members at the epoch the message was sent, not one who joined later', async () => {
    const dan = await webUser(server.url, 'att');
    const eve = await webUser(server.url, 'att');
    const group = await postJson(`${server.url}/api/v1/groups`, { name: 'Files', members: [dan.login] }, auth(ann));
    assert.equal(group.status, 201);
    const id = await uploaded(ann, randomBytes(3000));
    assert.equal((await send(server.url, ann, await withFiles(ann, `group:${group.json.id}`, [id], [ann, dan], 1))).status, 201);
    assert.equal((await postJson(`${server.url}/api/v1/groups/${group.json.id}/members`, { login: eve.login }, auth(ann))).status, 200);
    assert.equal((await download(dan, id)).status, 200);
    assert.equal((await download(eve, id)).status, 404, 'added after the message');
    assert.equal((await download(ben, id)).status, 404);
  });
});

describe('the sweep', () => {
  it('deletes an upload no message listed within 24 hours, body and record, and keeps those a message lists', async () => {
    const lonely = randomBytes(2000);
    const lonelyId = await uploaded(ann, lonely);
    const kept = await uploaded(ann, randomBytes(2000));
    assert.equal((await send(server.url, ann, await withFiles(ann, ben.login, [kept], [ann, ben]))).status, 201);
    const start = server.clock.now;
    const body = join(server.dataDir, 'attachments', lonelyId.slice(0, 2), lonelyId);
    try {
      server.clock.now = new Date(start.getTime() + 23 * 3600_000);
      await server.service.attachments.sweep();
      assert.ok(existsSync(body), 'a day has not passed');
      server.clock.now = new Date(start.getTime() + 25 * 3600_000);
      assert.ok((await server.service.attachments.sweep()) >= 1);
    } finally {
      server.clock.now = start; // sessions would have expired: back to now for the requests
    }
    assert.ok(!existsSync(body), 'the body is deleted');
    assert.equal((await download(ben, kept)).status, 200, 'a listed file stays');
    // The record went with it: listing it now is listing a file one did not upload.
    const late = await send(server.url, ann, await withFiles(ann, ben.login, [lonelyId], [ann, ben]));
    assert.equal(late.json.reason, 'unknown_file');
    // Uploaded again, it is new again.
    assert.equal((await upload(ann, lonely)).status, 201);
  });
});

describe('an upload meeting a sweep', () => {
  it('is told to send again while a sweep deletes the same bytes, and a sweep cut half-way is finished by the next', async () => {
    const bytes = randomBytes(2500);
    const id = await uploaded(cat, bytes);
    const body = join(server.dataDir, 'attachments', id.slice(0, 2), id);
    // A sweep (on this or another instance) has forgotten the upload and is about to delete the
    // body: it is still in place, which an upload of the same bytes finds.
    const later = new Date(server.clock.now.getTime() + 25 * 3600_000).toISOString();
    assert.equal(await server.service.storage.attachments.forgetIfUnreferenced(id, later), true);
    const meanwhile = await upload(cat, bytes);
    assert.equal(meanwhile.status, 503);
    assert.equal(meanwhile.headers.get('retry-after'), '1');
    assert.equal(((await meanwhile.json()) as { error: string }).error, 'unavailable');
    assert.ok(existsSync(body));
    // That sweep stopped there (a crash): the next one finishes it, then the bytes are new again.
    await server.service.attachments.sweep();
    assert.ok(!existsSync(body), 'the body went');
    assert.equal((await upload(cat, bytes)).status, 201);
    assert.ok(existsSync(body));
  });
});

describe('the sweep across a restart', () => {
  it('runs at start too: an upload an earlier run left unlisted is deleted once its day has passed', async () => {
    const first = await startInProcess();
    let firstOpen = true;
    let second: InProcess | undefined;
    try {
      const me = await webUser(first.url, 'swr');
      const res = await fetch(`${first.url}/api/v1/attachments`, { method: 'POST', body: randomBytes(3000), headers: { ...auth(me), 'content-type': 'application/octet-stream' } });
      assert.equal(res.status, 201);
      const { id } = (await res.json()) as { id: string };
      const body = join(first.dataDir, 'attachments', id.slice(0, 2), id);
      assert.ok(existsSync(body));
      await first.close();
      firstOpen = false;
      // The next start is a day and more later: nothing asks for a sweep, the start does it.
      second = await startInProcess({ dataDir: first.dataDir, now: new Date(Date.now() + 25 * 3600_000) });
      for (let i = 0; i < 100 && existsSync(body); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(!existsSync(body), 'deleted by the sweep the start ran');
    } finally {
      if (firstOpen) await first.close();
      await second?.close();
    }
  });
});
