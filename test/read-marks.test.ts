// Read state on the server through the real HTTP server, with messages made by WebCrypto keys:
// unread counts per conversation, a marker that only moves forward, refusals that change nothing,
// the `read` event on the reader's other streams only, and counts that survive a restart.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type Running } from './helpers/server.ts';
import { openEvents } from './helpers/sse.ts';
import { envelopeFor, send, webUser, type WebUser } from './helpers/webuser.ts';
import { postJson } from './helpers/users.ts';

let server: Running;
let alice: WebUser;
let bob: WebUser;
let carol: WebUser;

interface Summary {
  with: string;
  unread: number;
  lastSeq: string;
  lastAt: string;
}

const auth = (u: WebUser) => ({ authorization: `Bearer ${u.token}` });

async function conversations(u: WebUser): Promise<Map<string, Summary>> {
  const res = await fetch(`${server.url}/api/v1/conversations`, { headers: auth(u) });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { conversations: Summary[] };
  return new Map(body.conversations.map((c) => [c.with, c]));
}

/** Sends and answers the new message's seq (the newest history cursor of the conversation). */
async function message(from: WebUser, to: WebUser, text: string): Promise<string> {
  const r = await send(server.url, from, await envelopeFor(from, to, text));
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const page = (await (await fetch(`${server.url}/api/v1/messages?with=${to.login}&before=999999999999999&limit=1`, { headers: auth(from) })).json()) as { cursor: string };
  return page.cursor;
}

const read = (u: WebUser, peer: string, body: unknown) => postJson(`${server.url}/api/v1/conversations/${peer}/read`, body, auth(u));

before(async () => {
  server = await startServer();
  alice = await webUser(server.url, 'alice');
  bob = await webUser(server.url, 'bob');
  carol = await webUser(server.url, 'carol');
});
after(async () => {
  await server.stop();
});

describe('read state on the server', () => {
  let bobToAlice: string[] = [];

  it('counts unread messages per peer, only those sent to the reader', async () => {
    assert.deepEqual([...(await conversations(alice)).keys()], [], 'nothing exchanged yet');
    bobToAlice = [await message(bob, alice, 'one'), await message(bob, alice, 'two')];
    const aliceToBob = await message(alice, bob, 'three');
    const carolToAlice = await message(carol, alice, 'four');

    const a = await conversations(alice);
    assert.deepEqual(a.get(bob.login), { with: bob.login, unread: 2, lastSeq: aliceToBob, lastAt: a.get(bob.login)!.lastAt });
    assert.ok(!Number.isNaN(Date.parse(a.get(bob.login)!.lastAt)));
    assert.deepEqual({ ...a.get(carol.login), lastAt: '' }, { with: carol.login, unread: 1, lastSeq: carolToAlice, lastAt: '' });
    assert.equal(a.size, 2);
    const b = await conversations(bob);
    assert.deepEqual({ ...b.get(alice.login), lastAt: '' }, { with: alice.login, unread: 1, lastSeq: aliceToBob, lastAt: '' });
    assert.deepEqual([...b.keys()], [alice.login], "bob sees none of alice's other conversations");
    const c = await conversations(carol);
    assert.equal(c.get(alice.login)?.unread, 0, 'what one sent is never unread for them');
  });

  it('moves the marker forward only', async () => {
    assert.equal((await read(alice, bob.login, { upTo: bobToAlice[0] })).status, 204);
    assert.equal((await conversations(alice)).get(bob.login)?.unread, 1);
    assert.equal((await read(alice, bob.login, { upTo: bobToAlice[1] })).status, 204);
    assert.equal((await conversations(alice)).get(bob.login)?.unread, 0);
    // An older message reported later (a slow device) changes nothing, and is still a 204.
    assert.equal((await read(alice, bob.login, { upTo: bobToAlice[0] })).status, 204);
    assert.equal((await conversations(alice)).get(bob.login)?.unread, 0);
    const next = await message(bob, alice, 'five');
    assert.equal((await conversations(alice)).get(bob.login)?.unread, 1);
    // A seq of one's own message counts as read up to there too.
    const mine = await message(alice, bob, 'six');
    assert.ok(Number(mine) > Number(next));
    assert.equal((await read(alice, bob.login, { upTo: mine })).status, 204);
    assert.equal((await conversations(alice)).get(bob.login)?.unread, 0);
  });

  it("refuses marks on other people's conversations and seqs that are no message of it, changing nothing", async () => {
    const pending = await message(bob, alice, 'seven');
    const before = await conversations(alice);
    assert.equal(before.get(bob.login)?.unread, 1);
    const carolBefore = await conversations(carol);
    // Carol names a message between Alice and Bob: not in her conversation with Bob (nor with Alice).
    for (const peer of [bob.login, alice.login]) {
      const r = await read(carol, peer, { upTo: pending });
      assert.equal(r.status, 404, JSON.stringify(r.json));
      assert.equal(r.json.error, 'not_found');
    }
    // Alice names her conversation with Carol but a message of her conversation with Bob.
    assert.equal((await read(alice, carol.login, { upTo: pending })).status, 404);
    // A seq that does not exist, and herself as the peer.
    assert.equal((await read(alice, bob.login, { upTo: '999999999' })).status, 404);
    assert.equal((await read(alice, alice.login, { upTo: pending })).status, 404);
    // Malformed: a 400 naming the field.
    for (const body of [{}, { upTo: 5 }, { upTo: '0' }, { upTo: '-1' }, { upTo: '12abc' }, { upTo: pending, extra: 1 }, [pending], 'x']) {
      const r = await read(alice, bob.login, body);
      assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.status}`);
      assert.equal(r.json.error, 'validation');
    }
    const badLogin = await read(alice, 'NOT A LOGIN', { upTo: pending });
    assert.equal(badLogin.status, 400);
    assert.ok(badLogin.json.fields.login);
    // Without a session.
    const anon = await postJson(`${server.url}/api/v1/conversations/${bob.login}/read`, { upTo: pending });
    assert.equal(anon.status, 401);
    assert.equal((await fetch(`${server.url}/api/v1/conversations`)).status, 401);
    assert.deepEqual(await conversations(alice), before, 'nothing changed for alice');
    assert.deepEqual(await conversations(carol), carolBefore, 'nothing changed for carol');
  });

  it("tells the reader's other streams, not anyone else's", async () => {
    const upTo = await message(bob, alice, 'eight');
    const first = await openEvents(server.url, alice.token);
    const second = await openEvents(server.url, alice.token);
    const bobs = await openEvents(server.url, bob.token);
    const carols = await openEvents(server.url, carol.token);
    try {
      await Promise.all([first, second, bobs, carols].map((s) => s.waitFor('ready')));
      const later = await message(bob, alice, 'nine');
      await second.until((e) => e.event === 'message' && e.id === later);
      assert.equal((await read(alice, bob.login, { upTo })).status, 204);
      const [event] = await second.waitFor('read');
      assert.deepEqual(JSON.parse(event.data), { with: bob.login, upTo, unread: 1, lastSeq: later });
      assert.equal(event.id, undefined, 'a read event moves no stream cursor');
      await first.waitFor('read');
      // The marker does not move again: no event.
      assert.equal((await read(alice, bob.login, { upTo })).status, 204);
      assert.equal((await read(alice, bob.login, { upTo: later })).status, 204);
      const both = await second.waitFor('read', 2);
      assert.deepEqual(JSON.parse(both[1].data), { with: bob.login, upTo: later, unread: 0, lastSeq: later });
      // Bob (the sender) and Carol have a stream open all along: neither heard of Alice's reading.
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(bobs.events.filter((e) => e.event === 'read').length, 0);
      assert.equal(carols.events.filter((e) => e.event === 'read').length, 0);
      assert.equal(second.events.filter((e) => e.event === 'read').length, 2);
    } finally {
      for (const s of [first, second, bobs, carols]) s.close();
    }
  });

  it('a read receipt goes to the other side only: how far the reader got, by seq and envelope id', async () => {
    const envelope = await envelopeFor(bob, alice, 'eleven');
    assert.equal((await send(server.url, bob, envelope)).status, 201);
    const page = (await (await fetch(`${server.url}/api/v1/messages?with=${alice.login}&before=999999999999999&limit=1`, { headers: auth(bob) })).json()) as { cursor: string };
    const upTo = page.cursor;
    const bobs = await openEvents(server.url, bob.token);
    const carols = await openEvents(server.url, carol.token);
    const alices = await openEvents(server.url, alice.token);
    try {
      await Promise.all([bobs, carols, alices].map((s) => s.waitFor('ready')));
      assert.equal((await read(alice, bob.login, { upTo })).status, 204);
      const [receipt] = await bobs.waitFor('seen');
      assert.deepEqual(JSON.parse(receipt.data), { with: alice.login, upTo, id: envelope.id });
      assert.equal(receipt.id, undefined, 'a receipt moves no stream cursor');
      await alices.waitFor('read');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(alices.events.filter((e) => e.event === 'seen').length, 0, 'the reader gets no receipt of her own reading');
      assert.equal(carols.events.filter((e) => e.event === 'seen').length, 0);
      // The same, for a page that opens later: in the sender's list of conversations.
      const b = (await conversations(bob)).get(alice.login) as Summary & { seenUpTo?: string; seenId?: string };
      assert.equal(b.seenUpTo, upTo);
      assert.equal(b.seenId, envelope.id);
      const c = (await conversations(carol)).get(alice.login) as Summary & { seenUpTo?: string };
      assert.equal(c.seenUpTo, undefined, 'alice has not read her conversation with carol');
    } finally {
      for (const s of [bobs, carols, alices]) s.close();
    }
  });

  it('read receipts can be turned off, and then go neither way', async () => {
    const receipts = async (u: WebUser) => (await (await fetch(`${server.url}/api/v1/account/read-receipts`, { headers: auth(u) })).json()) as { enabled: boolean };
    const put = (u: WebUser, body: unknown) =>
      fetch(`${server.url}/api/v1/account/read-receipts`, { method: 'PUT', headers: { ...auth(u), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.deepEqual(await receipts(alice), { enabled: true }, 'on unless turned off');
    for (const bad of [{}, { enabled: 'no' }, { enabled: false, extra: 1 }, []]) {
      const r = await put(alice, bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(((await r.json()) as { error: string }).error, 'validation');
    }
    assert.equal((await fetch(`${server.url}/api/v1/account/read-receipts`)).status, 401);
    const off = await put(alice, { enabled: false });
    assert.equal(off.status, 200);
    assert.deepEqual(await off.json(), { enabled: false });
    assert.deepEqual(await receipts(alice), { enabled: false });
    // Bob no longer learns how far Alice has read (not even the mark she had before)…
    assert.equal(((await conversations(bob)).get(alice.login) as Summary & { seenUpTo?: string }).seenUpTo, undefined);
    const bobs = await openEvents(server.url, bob.token);
    const alices = await openEvents(server.url, alice.token);
    try {
      await Promise.all([bobs, alices].map((s) => s.waitFor('ready')));
      const toAlice = await message(bob, alice, 'twelve');
      assert.equal((await read(alice, bob.login, { upTo: toAlice })).status, 204);
      await alices.waitFor('read');
      // …and Alice no longer learns how far Bob has read, though Bob has his on.
      const toBob = await message(alice, bob, 'thirteen');
      assert.equal((await read(bob, alice.login, { upTo: toBob })).status, 204);
      await bobs.waitFor('read');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(bobs.events.filter((e) => e.event === 'seen').length, 0);
      assert.equal(alices.events.filter((e) => e.event === 'seen').length, 0);
      assert.equal(((await conversations(alice)).get(bob.login) as Summary & { seenUpTo?: string }).seenUpTo, undefined);
    } finally {
      for (const s of [bobs, alices]) s.close();
    }
    // On again: the marks kept meanwhile show at once.
    assert.equal((await put(alice, { enabled: true })).status, 200);
    assert.ok(((await conversations(bob)).get(alice.login) as Summary & { seenUpTo?: string }).seenUpTo);
    assert.ok(((await conversations(alice)).get(bob.login) as Summary & { seenUpTo?: string }).seenUpTo);
  });

  it('keeps marks and counts across a restart', async () => {
    await message(carol, alice, 'ten');
    const before = await conversations(alice);
    assert.equal(before.get(carol.login)?.unread, 2);
    assert.equal(before.get(bob.login)?.unread, 0);
    await server.stop();
    server = await startServer({ dataDir: server.dataDir });
    assert.deepEqual(await conversations(alice), before);
  });
});
