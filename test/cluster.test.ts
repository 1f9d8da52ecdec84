// Three instances on loopback (protocol §9, issue 19): A, B and C share one PostgreSQL, one Redis
// and the CA's data directory, each on its own port. What one instance does, the others see: a
// message posted to A reaches a stream held by B, a session opened on A works on C, a challenge
// issued by A is answered on B (once), the per-login limits count attempts on all three together,
// presence and revocations are the same everywhere, and an instance killed with SIGKILL in the
// middle of a burst loses no acknowledged message: every one is in PostgreSQL once, and a client
// that reconnects to another instance with Last-Event-ID gets the rest, nothing twice.
//
// One trio serves every test, started with TEKUP_LOGIN_PER_MINUTE=3 (startServer's default is
// 10000) so the limit test has a small limit to reach; every other test uses fresh users and logs
// each of them in at most three times.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { startPostgres, type Postgres } from './helpers/postgres.ts';
import { startRedis, type RedisServer } from './helpers/redis.ts';
import { startServer, type Running } from './helpers/server.ts';
import { apiLogin, envelopeFor, send, webUser, type WebUser } from './helpers/webuser.ts';
import { attemptLogin, enrollUser } from './helpers/login.ts';
import { postJson } from './helpers/users.ts';
import { signChallenge } from '../src/client/challenge.ts';
import { openEvents, type EventStream } from './helpers/sse.ts';
import { makeEnvelopeV2 } from '../src/client/envelope.ts';
import { importPublicKeys } from '../src/client/keys.ts';
import { x509 } from '../src/client/x509.ts';

const LOGIN_PER_MINUTE = 3;

let pg: Postgres;
let redis: RedisServer;
let A: Running;
let B: Running;
let C: Running;
let sql: ReturnType<typeof postgres>;

before(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  const start = (dataDir?: string) =>
    startServer({
      dataDir,
      args: ['--database-url', pg.url, '--redis-url', redis.url],
      env: { TEKUP_LOGIN_PER_MINUTE: String(LOGIN_PER_MINUTE) },
    });
  // A first, on a fresh data directory holding the run's fixture CA (and it migrates the schema);
  // B and C on the same directory: the CA keys every instance is given.
  A = await start();
  [B, C] = await Promise.all([start(A.dataDir), start(A.dataDir)]);
});

after(async () => {
  // Not the one killed: stop() waits for an 'exit' that a process dead of a signal has already had.
  const alive = (s: Running | undefined) => s && s.proc.exitCode === null && s.proc.signalCode === null;
  await Promise.all([A, B, C].filter(alive).map((s) => s!.stop()));
  await sql?.end();
  await Promise.all([redis?.stop(), pg?.stop()]);
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const get = (url: string, token: string) => fetch(url, { headers: bearer(token) });

/** Polls `check` until it answers true, or fails with `what` (and the last state) after `ms`. */
async function eventually(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `p`, or a failure naming `what` after `ms`; the timer goes with it either way. */
async function within<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what())), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long a wait on a stream may take here: three servers, PostgreSQL and Redis share the machine. */
const STREAM_MS = 15_000;

const ready = (s: EventStream) => s.untilEvents('the ready event', (es) => es.some((e) => e.event === 'ready'), STREAM_MS);
/** The stream's messages so far: each one's envelope id and its seq (the event id). */
const messages = (s: EventStream) =>
  s.events.filter((e) => e.event === 'message').map((e) => ({ id: (JSON.parse(e.data) as { id: string }).id, seq: e.id! }));

interface Listed {
  login: string;
  online: boolean;
}
async function onlineOn(server: Running, token: string, login: string): Promise<boolean | undefined> {
  const res = await get(`${server.url}/api/v1/users`, token);
  assert.equal(res.status, 200);
  return ((await res.json()) as Listed[]).find((u) => u.login === login)?.online;
}

describe('three instances sharing PostgreSQL and Redis', () => {
  let alice: WebUser;
  let bob: WebUser;
  before(async () => {
    alice = await webUser(A.url, 'cla'); // logged in on A
    bob = await webUser(B.url, 'clb'); // logged in on B
  });

  it('relays a message posted to A to bob\'s stream on B, exactly once', async () => {
    const events = await openEvents(B.url, bob.token);
    try {
      await ready(events);
      const first = await envelopeFor(alice, bob, 'from A to a stream on B');
      const sent = await send(A.url, alice, first);
      assert.equal(sent.status, 201, JSON.stringify(sent.json));
      await events.untilEvents('the message', () => messages(events).some((m) => m.id === first.id), STREAM_MS);
      // A second message behind it: once it is in, a doubled first one would have arrived before it.
      const second = await envelopeFor(alice, bob, 'and a second one');
      assert.equal((await send(A.url, alice, second)).status, 201);
      await events.untilEvents('the second message', () => messages(events).some((m) => m.id === second.id), STREAM_MS);
      const got = messages(events);
      assert.deepEqual(
        got.map((m) => m.id),
        [first.id, second.id],
        'each message once, in order',
      );
      const seqs = await sql`SELECT id, seq::text AS seq FROM messages WHERE id IN ${sql([first.id, second.id])} ORDER BY messages.seq`;
      assert.deepEqual(
        got.map((m) => m.seq),
        seqs.map((r) => r.seq),
        'the event ids are the messages\' seqs in PostgreSQL',
      );
      const envelope = JSON.parse(events.events.find((e) => e.event === 'message')!.data);
      assert.deepEqual(envelope, JSON.parse(JSON.stringify(first)), 'the envelope as alice posted it');
    } finally {
      events.close();
    }
  });

  it('carries a group change made on C and a group message posted to A to members on B and C (protocol §7)', async () => {
    const carol = await webUser(C.url, 'clc'); // logged in on C
    const onB = await openEvents(B.url, bob.token);
    const onC = await openEvents(C.url, carol.token);
    try {
      await Promise.all([ready(onB), ready(onC)]);
      const created = await postJson(`${C.url}/api/v1/groups`, { name: 'Across', members: [alice.login, bob.login] }, bearer(carol.token));
      assert.equal(created.status, 201, JSON.stringify(created.json));
      await onB.untilEvents('the creation, on B', (es) => es.some((e) => e.event === 'group' && JSON.parse(e.data).id === created.json.id), STREAM_MS);
      const recipients = await Promise.all(
        [alice, bob, carol].map(async (u) => ({ serial: u.serial, publicKey: (await importPublicKeys(new x509.X509Certificate(u.certificate))).encrypt })),
      );
      const e = await makeEnvelopeV2({
        signKey: alice.key.privateKeys.sign,
        from: alice.login,
        senderCertSerial: alice.serial,
        to: `group:${created.json.id}`,
        epoch: 1,
        text: 'from A to B and C',
        recipients,
      });
      const sent = await send(A.url, alice, e);
      assert.equal(sent.status, 201, JSON.stringify(sent.json));
      for (const [where, stream] of [['B', onB], ['C', onC]] as const) {
        await stream.untilEvents(`the group message on ${where}`, () => messages(stream).some((m) => m.id === e.id), STREAM_MS);
      }
      // A change on B moves the epoch for A's relay too: the old epoch is refused there.
      const renamed = await fetch(`${B.url}/api/v1/groups/${created.json.id}`, { method: 'PATCH', headers: { ...bearer(carol.token), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Renamed' }) });
      assert.equal(renamed.status, 200);
      const stale = await send(A.url, alice, await makeEnvelopeV2({ signKey: alice.key.privateKeys.sign, from: alice.login, senderCertSerial: alice.serial, to: `group:${created.json.id}`, epoch: 1, text: 'old epoch', recipients }));
      assert.equal(stale.status, 409);
      assert.equal(stale.json.epoch, 2);
    } finally {
      onB.close();
      onC.close();
    }
  });

  it('takes a session opened on A on C too, and a logout on C ends it on A and B at once', async () => {
    const onC = await get(`${C.url}/api/v1/session`, alice.token);
    assert.equal(onC.status, 200);
    assert.equal(((await onC.json()) as { login: string }).login, alice.login);
    const users = await get(`${C.url}/api/v1/users`, alice.token);
    assert.equal(users.status, 200);
    const logins = ((await users.json()) as Listed[]).map((u) => u.login);
    assert.ok(logins.includes(alice.login) && logins.includes(bob.login), 'C lists the users enrolled on A and B');

    const second = await apiLogin(A.url, alice); // another session, opened on A
    assert.equal((await get(`${C.url}/api/v1/session`, second)).status, 200);
    const out = await fetch(`${C.url}/api/v1/session`, { method: 'DELETE', headers: bearer(second) });
    assert.equal(out.status, 204);
    for (const s of [A, B, C]) assert.equal((await get(`${s.url}/api/v1/session`, second)).status, 401, `logged out on ${s.url}`);
    assert.equal((await get(`${A.url}/api/v1/session`, alice.token)).status, 200, 'the first session is untouched');
  });

  it('answers a challenge issued by A on B, once', async () => {
    const carol = await webUser(A.url, 'clc'); // one login
    const issued = await postJson(`${A.url}/api/v1/session/challenge`, { login: carol.login });
    assert.equal(issued.status, 200);
    const challenge = issued.json.challenge as string;
    const body = {
      login: carol.login,
      password: carol.password,
      certificate: carol.certificate,
      challenge,
      signature: await signChallenge(challenge, carol.key.privateKeys.sign),
    };
    const onB = await postJson(`${B.url}/api/v1/session`, body); // the second login
    assert.equal(onB.status, 200, JSON.stringify(onB.json));
    assert.equal(onB.json.login, carol.login);
    assert.equal((await get(`${C.url}/api/v1/session`, onB.json.token)).status, 200, 'that session works on C');

    const again = await postJson(`${C.url}/api/v1/session`, body); // the third, refused
    assert.equal(again.status, 403, JSON.stringify(again.json));
    assert.equal(again.json.error, 'certificate_rejected');
    assert.equal(again.json.reason, 'bad_signature');
    assert.match(again.json.message, /already used/);
    assert.equal(again.json.token, undefined);
  });

  it('counts the per-login limit over A, B and C together, not per instance', async () => {
    // Enrolled without logging in: every attempt below is one the limit counts.
    const erin = await enrollUser(B.url, 'cle');
    const wrong = { login: erin.login, password: `${erin.password}-wrong`, certificate: erin.certificate, keyPem: erin.keyPem };
    const order = [A, B, C];
    for (let i = 0; i < LOGIN_PER_MINUTE; i++) {
      const r = await attemptLogin(order[i % 3].url, wrong);
      assert.equal(r.status, 401, `attempt ${i + 1} on ${order[i % 3].url}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.error, 'invalid_credentials');
    }
    // A has seen one attempt, B one, C one: only their sum is over the limit.
    for (const s of order) {
      const r = await attemptLogin(s.url, wrong);
      assert.equal(r.status, 429, `after ${LOGIN_PER_MINUTE} attempts spread over the three, ${s.url} refuses: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.error, 'rate_limited');
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
    }
    const right = await attemptLogin(C.url, { ...wrong, password: erin.password });
    assert.equal(right.status, 429, 'even the right password waits out the window');

    // Challenges: 3× the login limit per login, also across the three (unknown logins get them too).
    const nobody = `nobody${Date.now() % 1_000_000}`;
    for (let i = 0; i < 3 * LOGIN_PER_MINUTE; i++) {
      const r = await postJson(`${order[i % 3].url}/api/v1/session/challenge`, { login: nobody });
      assert.equal(r.status, 200, `challenge ${i + 1}`);
    }
    for (const s of order) {
      const r = await postJson(`${s.url}/api/v1/session/challenge`, { login: nobody });
      assert.equal(r.status, 429, `challenge ${3 * LOGIN_PER_MINUTE + 1} on ${s.url}`);
    }
  });

  it('shows the same presence on all three, and announces it once', async () => {
    const frank = await webUser(B.url, 'clf');
    const watcher = await openEvents(C.url, alice.token);
    await ready(watcher);
    const presence = () =>
      watcher.events.filter((e) => e.event === 'presence').map((e) => JSON.parse(e.data) as { login: string; online: boolean }).filter((p) => p.login === frank.login);
    const everywhere = async (online: boolean) => {
      for (const s of [A, B, C]) if ((await onlineOn(s, alice.token, frank.login)) !== online) return false;
      return true;
    };
    let stream: EventStream | undefined;
    try {
      for (const s of [A, B, C]) assert.equal(await onlineOn(s, alice.token, frank.login), false, `offline on ${s.url} before any stream`);
      stream = await openEvents(B.url, frank.token);
      await ready(stream);
      await eventually(`${frank.login} online on A, B and C`, () => everywhere(true));
      await watcher.untilEvents('the online event on C', () => presence().some((p) => p.online), STREAM_MS);

      stream.close();
      await eventually(`${frank.login} offline on A, B and C`, () => everywhere(false));
      await watcher.untilEvents('the offline event on C', () => presence().some((p) => !p.online), STREAM_MS);
      assert.deepEqual(presence(), [
        { login: frank.login, online: true },
        { login: frank.login, online: false },
      ], 'online and offline announced once each, cluster-wide');
    } finally {
      stream?.close();
      watcher.close();
    }
  });

  it('ends a user\'s sessions and streams on A and B at once when his certificate is revoked on C', async (t) => {
    const dave = await webUser(B.url, 'cld'); // session on B
    const onA = await apiLogin(A.url, dave); // and one on A
    const streamA = await openEvents(A.url, onA);
    const streamB = await openEvents(B.url, dave.token);
    try {
      await Promise.all([ready(streamA), ready(streamB)]);
      const revoked = await postJson(`${C.url}/api/v1/certificate/revoke`, { reason: 'keyCompromise' }, bearer(dave.token));
      assert.equal(revoked.status, 200, JSON.stringify(revoked.json));
      assert.equal(revoked.json.serial, dave.serial);
      const t0 = Date.now();
      // At once: the very next request, on any instance, with either token.
      for (const s of [A, B, C]) {
        assert.equal((await get(`${s.url}/api/v1/users`, onA)).status, 401, `the session opened on A, asked on ${s.url}`);
        assert.equal((await get(`${s.url}/api/v1/users`, dave.token)).status, 401, `the session opened on B, asked on ${s.url}`);
      }
      // The streams end at once, told why: the database announces the deleted sessions to every
      // instance (the sweep twice a second is only the fallback). The limit is the loaded machine's.
      const limit = 3_000;
      await within(Promise.all([streamA.ended, streamB.ended]), limit, () => `streams still open ${limit} ms after the revocation: A ended ${streamA.isEnded()}, B ended ${streamB.isEnded()}`);
      const took = Date.now() - t0;
      for (const [name, s] of [['A', streamA], ['B', streamB]] as const) {
        const end = s.events.find((e) => e.event === 'end');
        assert.ok(end, `the stream on ${name} got an end event: ${JSON.stringify(s.events.map((e) => e.event))}`);
        assert.equal(JSON.parse(end.data).reason, 'session_ended');
      }
      assert.ok(took < limit, `${took} ms`);
      t.diagnostic(`both streams ended ${took} ms after the revocation answered`);

      // And no new session with the revoked certificate (dave's third login attempt).
      const challenge = (await postJson(`${A.url}/api/v1/session/challenge`, { login: dave.login })).json.challenge as string;
      const again = await postJson(`${B.url}/api/v1/session`, {
        login: dave.login,
        password: dave.password,
        certificate: dave.certificate,
        challenge,
        signature: await signChallenge(challenge, dave.key.privateKeys.sign),
      });
      assert.equal(again.status, 403, JSON.stringify(again.json));
      assert.equal(again.json.reason, 'revoked');
    } finally {
      streamA.close();
      streamB.close();
    }
  });

  it('loses nothing when A is killed with SIGKILL in the middle of a burst: every message once in PostgreSQL and once to each client', async (t) => {
    const N = 40;
    const sender = await webUser(A.url, 'clg');
    const receiver = await webUser(B.url, 'clh');
    const envelopes = await Promise.all(Array.from({ length: N }, (_, i) => envelopeFor(sender, receiver, `burst ${i}`)));
    const ids = envelopes.map((e) => e.id);
    // One stream on B, which lives through it; one on A, which dies with A.
    const onB = await openEvents(B.url, receiver.token);
    const onA = await openEvents(A.url, receiver.token);
    let resumed: EventStream | undefined;
    try {
      await Promise.all([ready(onB), ready(onA)]);

      // Four requests in flight at a time; once half are acknowledged by A, A is killed while
      // others are still on their way. A request A never answered is sent again, the same
      // envelope, to C: 201, or 409 replay when A had stored it before dying.
      const outcome = new Map<string, { status: number; on: string }>();
      let next = 0;
      let ackedByA = 0;
      let killed: Promise<number | null> | undefined;
      let lost = 0;
      const worker = async () => {
        while (next < N) {
          const e = envelopes[next++];
          let target = killed ? C : A;
          for (;;) {
            let r;
            try {
              r = await send(target.url, sender, e);
            } catch (err) {
              if (target !== A) throw err;
              lost++;
              target = C;
              continue;
            }
            if (r.status === 201) {
              outcome.set(e.id, { status: 201, on: target === A ? 'A' : 'C' });
              if (target === A && ++ackedByA === N / 2) killed = A.stop('SIGKILL');
            } else if (r.status === 409 && r.json.error === 'replay' && target === C) {
              outcome.set(e.id, { status: 409, on: 'C' });
            } else {
              assert.fail(`${e.id} on ${target.url}: ${r.status} ${JSON.stringify(r.json)}`);
            }
            break;
          }
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      assert.ok(killed, 'A was killed during the burst');
      assert.equal(await killed, null, 'A died of SIGKILL');
      assert.equal(A.proc.signalCode, 'SIGKILL');
      assert.equal(outcome.size, N);
      const acked = ids.filter((id) => outcome.get(id)!.status === 201);
      t.diagnostic(`acknowledged: ${acked.length} (${ids.filter((id) => outcome.get(id)!.on === 'A').length} by A), refused by C as stored already: ${N - acked.length}, requests cut by the kill: ${lost}`);
      assert.ok(acked.length >= N / 2 + 1, `acknowledged: ${acked.length}, refused as stored already: ${N - acked.length}, requests cut by the kill: ${lost}`);

      // Every acknowledged message is in PostgreSQL once; so is every one A stored unacknowledged.
      const rows = await sql`SELECT id, seq::text AS seq FROM messages WHERE from_login = ${sender.login} AND to_login = ${receiver.login} ORDER BY messages.seq`;
      const stored = rows.map((r) => r.id as string);
      assert.equal(new Set(stored).size, stored.length, 'no message stored twice');
      for (const id of acked) assert.ok(stored.includes(id), `acknowledged ${id} is in PostgreSQL`);
      assert.deepEqual([...stored].sort(), [...ids].sort(), 'each of the burst\'s messages stored exactly once');
      const seqOf = new Map(rows.map((r) => [r.id as string, r.seq as string]));

      // The stream on B, which lived through it: every message, once, in seq order.
      await onB.untilEvents(`all ${N} messages on B`, () => messages(onB).length >= N, STREAM_MS);
      const viaB = messages(onB);
      assert.equal(viaB.length, N, 'nothing twice on B');
      assert.deepEqual(
        viaB.map((m) => m.id),
        rows.map((r) => r.id),
        'B delivered every message, in seq order',
      );
      for (const m of viaB) assert.equal(m.seq, seqOf.get(m.id));

      // The stream on A died with it; the client reconnects to C with the last id it saw.
      await within(onA.ended, 10_000, () => 'the stream on A outlived A');
      const beforeKill = messages(onA);
      const readyOnA = JSON.parse(onA.events.find((e) => e.event === 'ready')!.data) as { resumedFrom: number };
      const lastId = beforeKill.at(-1)?.seq ?? String(readyOnA.resumedFrom);
      resumed = await openEvents(C.url, receiver.token, lastId);
      const union = () => [...beforeKill, ...messages(resumed!)];
      await resumed.untilEvents(`the messages after ${lastId} on C`, () => union().length >= N, STREAM_MS);
      const all = union().map((m) => m.id);
      assert.equal(new Set(all).size, all.length, `nothing twice across the reconnection (${beforeKill.length} before, ${all.length - beforeKill.length} after)`);
      assert.deepEqual(all, rows.map((r) => r.id), 'nothing lost: every message, in seq order');
      t.diagnostic(`the stream on A had ${beforeKill.length} messages when A died; the one on C resumed after ${lastId} with ${all.length - beforeKill.length}`);
      for (const id of acked) assert.ok(all.includes(id));
    } finally {
      onB.close();
      onA.close();
      resumed?.close();
    }
  });
});

describe('three instances when Redis goes away and comes back', () => {
  it('ends the streams that may have missed events, and their clients resume with what was posted meanwhile, once', async () => {
    // A may have been killed above: B and C carry on.
    const sender = await webUser(C.url, 'clr');
    const receiver = await webUser(B.url, 'cls');
    const stream = await openEvents(B.url, receiver.token);
    let resumed: EventStream | undefined;
    try {
      await ready(stream);
      const before = await envelopeFor(sender, receiver, 'before the outage');
      assert.equal((await send(C.url, sender, before)).status, 201);
      await stream.untilEvents('the message before', () => messages(stream).some((m) => m.id === before.id), STREAM_MS);

      await redis.halt();
      const degraded = async (s: Running) => ((await (await fetch(`${s.url}/healthz`)).json()) as { status: string }).status === 'degraded';
      await eventually('B and C say they serve alone', async () => (await degraded(B)) && (await degraded(C)), STREAM_MS);
      const during = await envelopeFor(sender, receiver, 'while Redis is away');
      assert.equal((await send(C.url, sender, during)).status, 201, 'accepted: the database is up');

      await redis.start();
      await within(stream.ended, STREAM_MS, () => `B's stream still open after Redis came back: ${JSON.stringify(stream.events.map((e) => e.event))}`);
      const end = stream.events.find((e) => e.event === 'end');
      assert.equal(end && JSON.parse(end.data).reason, 'shutdown', 'ended as at a restart, which clients reconnect after');
      assert.ok(!messages(stream).some((m) => m.id === during.id), 'B could not have heard of it live');

      const last = messages(stream).at(-1)!.seq;
      resumed = await openEvents(B.url, receiver.token, last);
      await resumed.untilEvents('the message from the outage', (es) => es.some((e) => e.event === 'message' && e.id !== undefined && Number(e.id) > Number(last)), STREAM_MS);
      const after = await envelopeFor(sender, receiver, 'after the outage');
      assert.equal((await send(C.url, sender, after)).status, 201);
      await resumed.untilEvents('the message after', () => messages(resumed!).some((m) => m.id === after.id), STREAM_MS);
      assert.deepEqual(
        messages(resumed).map((m) => m.id),
        [during.id, after.id],
        'what was missed, then what came live from C: each once',
      );
    } finally {
      stream.close();
      resumed?.close();
      await redis.start();
    }
  });
});
