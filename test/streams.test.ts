// An event stream lives no longer than its session (issue 16.2), and one login cannot hold the
// server's connections (16.8): logout, revocation by the owner and by the operator's command line
// in another process, a password change ending other sessions, and expiry each end the stream
// within a second, after which no envelope reaches it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type Running } from './helpers/server.ts';
import { startInProcess } from './helpers/inprocess.ts';
import { openEvents, type EventStream } from './helpers/sse.ts';
import { apiLogin, envelopeFor, send, webUser, type WebUser } from './helpers/webuser.ts';
import { postJson } from './helpers/users.ts';
import { admin } from './helpers/admin.ts';
import { SESSION_TTL_MS } from '../src/auth/sessions.ts';
import { Streams, type StreamEndReason } from '../src/chat/streams.ts';

const authed = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * The stream's last event is `end` with `reason`, within a second of `act`; a message sent to
 * its owner afterwards is stored but never reaches it. When `act` left the owner no current
 * certificate, no message can be wrapped for them: the relay refuses it (protocol §7), and nothing
 * reaches the stream either.
 */
// How soon the end comes is the sweep's period (SWEEP_MS, or at once when the store says sessions
// ended), not something a test on a loaded machine can time: what is asserted is that it comes,
// and that nothing reaches the stream after it.
async function endsWithItsSession(url: string, stream: EventStream, owner: WebUser, sender: WebUser, act: () => Promise<unknown>, reason = 'session_ended', ownerLeftWithout = false) {
  const before = stream.events.length;
  await act();
  const end = await stream.until((e) => e.event === 'end');
  assert.deepEqual(JSON.parse(end.data), { reason });
  const sent = await send(url, sender, await envelopeFor(sender, owner, 'after the end'));
  if (ownerLeftWithout) assert.deepEqual([sent.status, sent.json.error, sent.json.expected], [409, 'recipients_changed', [sender.serial]]);
  else assert.equal(sent.status, 201);
  await new Promise((r) => setTimeout(r, 300));
  const after = stream.events.slice(before).filter((e) => e.event === 'message');
  assert.deepEqual(after, [], 'no envelope after the session ended');
  stream.close();
}

describe('a stream ends with its session', () => {
  let server: Running;
  let sender: WebUser;
  before(async () => {
    server = await startServer();
    sender = await webUser(server.url, 'sender');
  });
  after(() => server.stop());

  it('at logout', async () => {
    const u = await webUser(server.url, 'out');
    const stream = await openEvents(server.url, u.token);
    await stream.waitFor('ready');
    await endsWithItsSession(server.url, stream, u, sender, async () => {
      const res = await fetch(`${server.url}/api/v1/session`, { method: 'DELETE', headers: authed(u.token) });
      assert.equal(res.status, 204);
    });
  });

  it('when the owner revokes the certificate', async () => {
    const u = await webUser(server.url, 'selfrev');
    const stream = await openEvents(server.url, u.token);
    await stream.waitFor('ready');
    // The owner's request goes through another session; the stream's own must end too.
    const other = await apiLogin(server.url, u);
    await endsWithItsSession(server.url, stream, u, sender, async () => {
      const res = await postJson(`${server.url}/api/v1/certificate/revoke`, { reason: 'keyCompromise' }, authed(other));
      assert.equal(res.status, 200, JSON.stringify(res.json));
    }, 'session_ended', true);
  });

  it('when the operator revokes it with the admin command line, in another process', async () => {
    const u = await webUser(server.url, 'oprev');
    const stream = await openEvents(server.url, u.token);
    await stream.waitFor('ready');
    await endsWithItsSession(server.url, stream, u, sender, () => admin(['revoke', '--login', u.login, '--data', server.dataDir]), 'session_ended', true);
  });

  it("when a password change ends the person's other sessions, and not the one that changed it", async () => {
    const u = await webUser(server.url, 'pwchange');
    const stream = await openEvents(server.url, u.token);
    await stream.waitFor('ready');
    const here = await apiLogin(server.url, u);
    const kept = await openEvents(server.url, here);
    await kept.waitFor('ready');
    await endsWithItsSession(server.url, stream, u, sender, async () => {
      const res = await postJson(`${server.url}/api/v1/account/password`, { currentPassword: u.password, newPassword: `${u.password}-next-one` }, authed(here));
      assert.equal(res.status, 200, JSON.stringify(res.json));
    });
    await kept.until((e) => e.event === 'message' && JSON.parse(e.data).to === u.login, 5_000);
    assert.equal(kept.events.filter((e) => e.event === 'end').length, 0);
    kept.close();
  });
});

describe('a stream ends when its session expires', () => {
  it('at the first sweep after the expiry, by the server clock', async () => {
    const server = await startInProcess();
    try {
      const u = await webUser(server.url, 'expiry');
      const stream = await openEvents(server.url, u.token);
      await stream.waitFor('ready');
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(stream.events.filter((e) => e.event === 'end').length, 0, 'a live session keeps its stream');
      server.clock.now = new Date(server.clock.now.getTime() + SESSION_TTL_MS + 1_000);
      // Nothing tells the server the session ended but its clock: only the periodic sweep finds it.
      const end = await stream.until((e) => e.event === 'end');
      assert.deepEqual(JSON.parse(end.data), { reason: 'session_ended' });
      stream.close();
    } finally {
      await server.close();
    }
  });
});

describe('streams per session and per user are capped', () => {
  let server: Running;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  it('a sixth stream of one session ends the oldest; past 20 for one user the next is refused with 429', async () => {
    const u = await webUser(server.url, 'many');
    const first = await openEvents(server.url, u.token);
    await first.waitFor('ready');
    const rest: EventStream[] = [];
    for (let i = 0; i < 4; i++) rest.push(await openEvents(server.url, u.token));
    await Promise.all(rest.map((s) => s.waitFor('ready')));
    assert.equal(first.events.filter((e) => e.event === 'end').length, 0, 'five fit in one session');
    const sixth = await openEvents(server.url, u.token);
    await sixth.waitFor('ready');
    const end = await first.until((e) => e.event === 'end', 2_000);
    assert.deepEqual(JSON.parse(end.data), { reason: 'replaced' });
    for (const s of rest) assert.equal(s.events.filter((e) => e.event === 'end').length, 0, 'only the oldest gives way');

    // Four more sessions of five streams each: 5 + 15 = 20 fit, the 21st does not.
    const all = [...rest, sixth];
    const tokens = [await apiLogin(server.url, u), await apiLogin(server.url, u), await apiLogin(server.url, u)];
    for (const t of tokens) for (let i = 0; i < 5; i++) all.push(await openEvents(server.url, t));
    assert.equal(all.length, 20);
    const another = await apiLogin(server.url, u);
    const refused = await fetch(`${server.url}/api/v1/events`, { headers: authed(another) });
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.equal((await refused.json()).error, 'rate_limited');
    // Closing one makes room again.
    all.pop()!.close();
    let admitted = 0;
    for (let i = 0; i < 20 && !admitted; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const res = await fetch(`${server.url}/api/v1/events`, { headers: authed(another) });
      if (res.status === 200) {
        admitted++;
        await res.body?.cancel();
      } else await res.body?.cancel();
    }
    assert.equal(admitted, 1, 'room for one once one closed');
    for (const s of all) s.close();
    first.close();
  });
});

describe('Streams (unit, with a fake session store)', () => {
  it('sweeps only streams whose session ended, and stops sweeping when none is open', async () => {
    const live = new Set(['s1', 's2']);
    const streams = new Streams({ isLive: async (s) => live.has(s), sweepMs: 10 });
    const ended: [string, StreamEndReason][] = [];
    const h1 = streams.add('ann', 's1', { end: (r) => ended.push(['s1', r]) });
    streams.add('ann', 's2', { end: (r) => ended.push(['s2', r]) });
    live.delete('s2');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(ended, [['s2', 'session_ended']]);
    assert.equal(streams.count({ login: 'ann' }), 1);
    assert.equal(await h1.stillLive(), true);
    live.delete('s1');
    assert.equal(await h1.stillLive(), false, 'asked before a write, it ends the stream at once');
    assert.deepEqual(ended[1], ['s1', 'session_ended']);
    assert.equal(streams.count(), 0);
  });

  it('sweeps on the next turn when told sessions ended, and again if told during a sweep', async () => {
    const live = new Set(['s1', 's2']);
    let asked = 0;
    let release: (() => void) | undefined;
    const streams = new Streams({
      isLive: async (s) => {
        asked++;
        const answer = live.has(s);
        // The first answer is held until the test lets it go: a sweep under way.
        if (asked === 1) await new Promise<void>((r) => (release = r));
        return answer;
      },
      sweepMs: 3_600_000, // no periodic sweep in this test: only the ones asked for
    });
    const ended: string[] = [];
    streams.add('ann', 's1', { end: () => ended.push('s1') });
    streams.add('bob', 's2', { end: () => ended.push('s2') });
    streams.sweepSoon();
    streams.sweepSoon(); // one sweep for both
    await new Promise((r) => setImmediate(r));
    assert.equal(asked, 1, 'the sweep started on the next turn');
    // s1 was already asked about when its session ends: the sweep under way has its old answer.
    live.delete('s1');
    streams.sweepSoon();
    await new Promise((r) => setImmediate(r));
    release?.();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(ended, ['s1'], 'the sweep ran once more for the session that ended during it');
    assert.equal(asked, 4);
    streams.endAll();
  });
});
