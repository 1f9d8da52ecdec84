// Protocol §5 through the real HTTP server with keys made by WebCrypto: relay, durable store,
// every acceptance rule, history, SSE push, presence and offline delivery.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { startServer, type Running } from './helpers/server.ts';
import { openEvents } from './helpers/sse.ts';
import { envelopeFor, send, webUser, type WebUser } from './helpers/webuser.ts';
import { openEnvelope } from '../src/client/envelope.ts';
import { signObject } from '../src/client/envelope.ts';
import { envelopeSigningText, unsigned } from '../src/protocol/envelope.ts';
import { startInProcess } from './helpers/inprocess.ts';
import { postJson } from './helpers/users.ts';

let server: Running;
let alice: WebUser;
let bob: WebUser;

function messageCount(): number {
  const db = new DatabaseSync(join(server.dataDir, 'tekup.db'), { readOnly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const open = (envelope: unknown, reader: WebUser, sender: WebUser) =>
  openEnvelope(envelope, { myLogin: reader.login, myDecryptKey: reader.key.privateKeys.decrypt, senderCertificate: sender.certificate });

before(async () => {
  server = await startServer();
  alice = await webUser(server.url, 'alice');
  bob = await webUser(server.url, 'bob');
});
after(async () => {
  await server.stop();
});

describe('exchanging messages', () => {
  it('relays both ways; each side verifies and reads; history pages oldest first', async () => {
    const bobEvents = await openEvents(server.url, bob.token);
    const aliceEvents = await openEvents(server.url, alice.token);
    try {
      const e1 = await envelopeFor(alice, bob, 'Bonjour Bob, ça va ? 🔐');
      const r1 = await send(server.url, alice, e1);
      assert.equal(r1.status, 201, JSON.stringify(r1.json));
      assert.deepEqual(Object.keys(r1.json).sort(), ['id', 'receivedAt']);
      assert.equal(r1.json.id, e1.id);
      const [pushed] = await bobEvents.waitFor('message');
      assert.deepEqual(JSON.parse(pushed.data), e1, 'the envelope is pushed exactly as sent');
      const opened = await open(JSON.parse(pushed.data), bob, alice);
      assert.equal(opened.text, 'Bonjour Bob, ça va ? 🔐');
      // the sender's own stream gets it too, and the sender can read their copy
      const [mine] = await aliceEvents.waitFor('message');
      assert.equal((await open(JSON.parse(mine.data), alice, alice)).text, 'Bonjour Bob, ça va ? 🔐');

      const e2 = await envelopeFor(bob, alice, 'Très bien, merci !');
      assert.equal((await send(server.url, bob, e2)).status, 201);
      const [, second] = await aliceEvents.waitFor('message', 2);
      assert.equal((await open(JSON.parse(second.data), alice, bob)).text, 'Très bien, merci !');

      const history = await (await fetch(`${server.url}/api/v1/messages?with=${bob.login}&limit=1`, { headers: { authorization: `Bearer ${alice.token}` } })).json() as any;
      assert.deepEqual(history.messages, [e1]);
      assert.equal(history.more, true);
      const next = await (await fetch(`${server.url}/api/v1/messages?with=${bob.login}&after=${history.cursor}`, { headers: { authorization: `Bearer ${alice.token}` } })).json() as any;
      assert.deepEqual(next.messages, [e2]);
      assert.equal(next.more, false);
      const older = await (await fetch(`${server.url}/api/v1/messages?with=${bob.login}&before=${next.first}`, { headers: { authorization: `Bearer ${alice.token}` } })).json() as any;
      assert.deepEqual(older.messages, [e1]);
    } finally {
      bobEvents.close();
      aliceEvents.close();
    }
  });

  it('keeps no plaintext anywhere in the database files', async () => {
    const secret = `the treasure is under the old olive tree ${crypto.randomUUID()}`;
    assert.equal((await send(server.url, alice, await envelopeFor(alice, bob, secret))).status, 201);
    const files = readdirSync(server.dataDir).filter((f) => f.startsWith('tekup.db'));
    assert.ok(files.length >= 1);
    for (const f of files) {
      const bytes = readFileSync(join(server.dataDir, f));
      assert.ok(!bytes.includes(Buffer.from(secret)), `${f} holds the plaintext`);
      assert.ok(!bytes.includes(Buffer.from('olive tree')), `${f} holds part of the plaintext`);
    }
  });

  it('announces presence and shows who is online in the directory', async () => {
    const carol = await webUser(server.url, 'carol');
    const watch = await openEvents(server.url, alice.token);
    try {
      await watch.waitFor('ready');
      const carolStream = await openEvents(server.url, carol.token);
      const is = (online: boolean) => (e: { event: string; data: string }) =>
        e.event === 'presence' && JSON.parse(e.data).login === carol.login && JSON.parse(e.data).online === online;
      await watch.until(is(true));
      const users = await (await fetch(`${server.url}/api/v1/users`, { headers: { authorization: `Bearer ${alice.token}` } })).json() as any[];
      const c = users.find((u) => u.login === carol.login);
      assert.equal(c.online, true);
      assert.ok(c.lastSeen);
      assert.equal(users[0].online, true, 'online users come first');
      carolStream.close();
      await watch.until(is(false));
    } finally {
      watch.close();
    }
  });
});

describe('offline delivery', () => {
  it('a user offline during 100 messages receives all 100 in order on reconnect, and none twice', async () => {
    const dave = await webUser(server.url, 'dave');
    const erin = await webUser(server.url, 'erin');
    const first = await openEvents(server.url, erin.token);
    await first.waitFor('ready');
    first.close();
    const sent: string[] = [];
    for (let i = 0; i < 100; i++) {
      const e = await envelopeFor(dave, erin, `message ${i}`);
      const r = await send(server.url, dave, e);
      assert.equal(r.status, 201);
      sent.push(e.id);
    }
    const back = await openEvents(server.url, erin.token);
    try {
      const got = await back.waitFor('message', 100, 20_000);
      assert.deepEqual(got.map((e) => JSON.parse(e.data).id), sent);
      const ids = got.map((e) => Number(e.id));
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
      const texts = await Promise.all(got.slice(0, 3).map(async (e) => (await open(JSON.parse(e.data), erin, dave)).text));
      assert.deepEqual(texts, ['message 0', 'message 1', 'message 2']);
    } finally {
      back.close();
    }
    await new Promise((r) => setTimeout(r, 100));
    const again = await openEvents(server.url, erin.token);
    try {
      await again.waitFor('ready');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(again.events.filter((e) => e.event === 'message').length, 0, 'nothing is delivered twice');
    } finally {
      again.close();
    }
  });

  it('resumes from Last-Event-ID', async () => {
    const s = await openEvents(server.url, bob.token, '0');
    try {
      const all = await s.waitFor('message', 2);
      const resumeAt = all[0].id!;
      s.close();
      const resumed = await openEvents(server.url, bob.token, resumeAt);
      const got = await resumed.waitFor('message');
      assert.equal(got[0].id, all[1].id);
      resumed.close();
    } finally {
      s.close();
    }
  });
});

describe('the server refuses, and stores nothing', () => {
  const refused = async (as: WebUser, envelope: unknown, status: number, check: (json: any) => void) => {
    const before = messageCount();
    const res = await send(server.url, as, envelope);
    assert.equal(res.status, status, JSON.stringify(res.json));
    assert.equal(typeof res.json.message, 'string');
    check(res.json);
    assert.equal(messageCount(), before);
  };

  it('a sender other than the session login', async () => {
    await refused(bob, await envelopeFor(alice, bob, 'spoof'), 403, (j) => assert.equal(j.reason, 'not_sender'));
  });
  it('a certificate that is not the sender current one', async () => {
    const e = await envelopeFor(alice, bob, 'x');
    const forged = { ...e, cert: bob.serial };
    forged.sig = await signObject(unsigned(forged), alice.key.privateKeys.sign);
    await refused(alice, forged, 403, (j) => assert.equal(j.reason, 'not_owner'));
  });
  it('a bad outer signature', async () => {
    const e = await envelopeFor(alice, bob, 'x');
    await refused(alice, { ...e, sig: (await envelopeFor(alice, bob, 'y')).sig }, 400, (j) => assert.equal(j.reason, 'bad_signature'));
  });
  it('a tampered ciphertext breaks the outer signature', async () => {
    const e = await envelopeFor(alice, bob, 'x');
    const ct = Buffer.from(e.ct, 'base64');
    ct[0] ^= 1;
    await refused(alice, { ...e, ct: ct.toString('base64') }, 400, (j) => assert.equal(j.reason, 'bad_signature'));
  });
  it('an unknown recipient', async () => {
    const ghost = { ...bob, login: 'ghost-user' };
    await refused(alice, await envelopeFor(alice, ghost, 'x'), 400, (j) => assert.equal(j.reason, 'unknown_recipient'));
  });
  it('a recipient equal to the sender', async () => {
    const e = await envelopeFor(alice, bob, 'x');
    await refused(alice, { ...e, to: alice.login }, 400, (j) => assert.equal(j.reason, 'malformed'));
  });
  it('keys that are not exactly from and to', async () => {
    const e = await envelopeFor(alice, bob, 'x');
    await refused(alice, { ...e, keys: { ...e.keys, eve: e.keys[bob.login] } }, 400, (j) => assert.ok(j.fields.keys));
    const { [alice.login]: _dropped, ...onlyBob } = e.keys;
    await refused(alice, { ...e, keys: onlyBob }, 400, (j) => assert.ok(j.fields.keys));
  });
  it('a replayed id', async () => {
    const e = await envelopeFor(alice, bob, 'once');
    assert.equal((await send(server.url, alice, e)).status, 201);
    await refused(alice, e, 409, (j) => assert.equal(j.error, 'replay'));
  });
  it('a sentAt more than 5 minutes away', async () => {
    await refused(alice, await envelopeFor(alice, bob, 'late', { sentAt: new Date(Date.now() - 6 * 60_000) }), 400, (j) => assert.equal(j.reason, 'clock_skew'));
    await refused(alice, await envelopeFor(alice, bob, 'early', { sentAt: new Date(Date.now() + 6 * 60_000) }), 400, (j) => assert.equal(j.reason, 'clock_skew'));
  });
  it('a body over 64 KiB', async () => {
    const e = await envelopeFor(alice, bob, 'x');
    await refused(alice, { ...e, ct: 'A'.repeat(70 * 1024) }, 413, (j) => assert.equal(j.error, 'payload_too_large'));
  });
  it('an unknown field or a wrong version', async () => {
    const e = await envelopeFor(alice, bob, 'x');
    await refused(alice, { ...e, extra: 1 }, 400, (j) => assert.equal(j.reason, 'malformed'));
    await refused(alice, { ...e, v: 2 }, 400, (j) => assert.equal(j.reason, 'malformed'));
  });
  it('no session', async () => {
    const res = await postJson(`${server.url}/api/v1/messages`, await envelopeFor(alice, bob, 'x'));
    assert.equal(res.status, 401);
  });
  it('a revoked sender certificate, at once', async () => {
    const frank = await webUser(server.url, 'frank');
    const revoke = await postJson(`${server.url}/api/v1/certificate/revoke`, { reason: 'keyCompromise' }, { authorization: `Bearer ${frank.token}` });
    assert.equal(revoke.status, 200);
    await refused(frank, await envelopeFor(frank, bob, 'x'), 401, (j) => assert.equal(j.error, 'unauthorized'));
  });
});

describe('a stream writes from the store, not from the announcements', () => {
  it('a message stored but never announced (its instance died, or its event came late) reaches the stream with the next one, in seq order', async () => {
    const s = await startInProcess();
    try {
      const ann = await webUser(s.url, 'annq');
      const ben = await webUser(s.url, 'benq');
      const events = await openEvents(s.url, ben.token);
      await events.waitFor('ready');
      // Stored as the relay stores it, but announced to no stream: an instance killed between
      // its commit and its publish, or a relayed event overtaken by a later one.
      const silent = await envelopeFor(ann, ben, 'stored, never announced');
      const record = (await s.service.records.get(ann.serial))!;
      const admitted = await s.service.messages.admit({
        envelope: silent,
        receivedAt: new Date().toISOString(),
        signedText: envelopeSigningText(silent),
        signer: { serial: record.serial, der: record.der },
      });
      assert.ok('stored' in admitted);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(events.events.filter((e) => e.event === 'message').length, 0, 'nothing announced, nothing written yet');
      const next = await envelopeFor(ann, ben, 'announced');
      assert.equal((await send(s.url, ann, next)).status, 201);
      const got = await events.waitFor('message', 2);
      assert.deepEqual(
        got.map((e) => JSON.parse(e.data).id),
        [silent.id, next.id],
        'both, in the order they were stored',
      );
      assert.ok(Number(got[0].id) < Number(got[1].id));
      events.close();
    } finally {
      await s.close();
    }
  });
});
