// Linking a new device (protocol §6) through the API of a real server: the new device asks with the
// password and a CSR, the login's streams hear of it, a device already logged in approves with the
// code, and the new device collects its certificate with its secret and logs in with its own key.
//
// The server is built in this process (helpers/inprocess.ts) for its clock: expiry is tested by
// moving that clock past the request's 10 minutes, not by sleeping; and the login is brought to 10
// devices through its Lifecycle. The limit on password guesses is tested on a server started as
// the executable is, with a low limit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { startServer } from './helpers/server.ts';
import { apiLogin, webUser, type WebUser } from './helpers/webuser.ts';
import { openEvents } from './helpers/sse.ts';
import { newKeyCsrs, postJson } from './helpers/users.ts';
import { generateKey, type KeyPair } from '../src/client/keys.ts';
import { makeCsr } from '../src/client/csr.ts';
import { currentCertificates } from '../src/pki/current.ts';
import { LINK_TTL_MS } from '../src/auth/link-requests.ts';

let s: InProcess;
before(async () => {
  s = await startInProcess();
});
after(() => s.close());

const USER_AGENT = 'LinkTest/1.0 (a new device)';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface NewDevice {
  key: KeyPair;
  csr: string;
}

async function newDevice(login?: string): Promise<NewDevice> {
  const key = await generateKey();
  key.forget();
  return { key, csr: await makeCsr(key, login) };
}

/** Step 1, as the new device: `{login, password, csr, deviceName}`. */
function ask(url: string, who: Pick<WebUser, 'login' | 'password'>, csr: string, deviceName = 'Phone') {
  return postJson(`${url}/api/v1/devices/link`, { login: who.login, password: who.password, csr, deviceName }, { 'user-agent': USER_AGENT });
}

function approve(url: string, token: string, request: string, code: string) {
  return postJson(`${url}/api/v1/devices/requests/${request}/approve`, { code }, bearer(token));
}

async function call(url: string, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${path}`, { method, headers });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Step 4, as the new device: its request's state, or its certificate. */
const collect = (url: string, request: string, secret: string) => call(url, 'GET', `/api/v1/devices/link/${request}`, bearer(secret));
const refuse = (url: string, token: string, request: string) => call(url, 'DELETE', `/api/v1/devices/requests/${request}`, bearer(token));
const pending = (url: string, token: string) => call(url, 'GET', '/api/v1/devices/requests', bearer(token));
const activity = async (url: string, token: string) => (await call(url, 'GET', '/api/v1/account/activity', bearer(token))).json.events as any[];

/** A 6-digit code other than `code`. */
const wrong = (code: string, n = 1) => String((Number(code) + n) % 1_000_000).padStart(6, '0');

function assertGone(r: { status: number; json: any }, state: string, what: string) {
  assert.equal(r.status, 410, `${what}: ${JSON.stringify(r.json)}`);
  assert.equal(r.json.error, 'gone', what);
  assert.equal(r.json.state, state, what);
}

describe('linking a new device', () => {
  it('asks, tells the streams, refuses a wrong code, issues on the right one; the new device collects and logs in, the old one still works', async () => {
    const me = await webUser(s.url, 'link');
    const stranger = await webUser(s.url, 'link');
    const events = await openEvents(s.url, me.token);
    const theirs = await openEvents(s.url, stranger.token);
    await Promise.all([events.waitFor('ready'), theirs.waitFor('ready')]);
    const device = await newDevice(me.login);

    const asked = await ask(s.url, me, device.csr);
    assert.equal(asked.status, 202, JSON.stringify(asked.json));
    assert.deepEqual(Object.keys(asked.json).sort(), ['code', 'expiresAt', 'request', 'secret']);
    const { request, code, secret, expiresAt } = asked.json;
    assert.match(request, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(code, /^[0-9]{6}$/);
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
    assert.equal(expiresAt, new Date(s.clock.now.getTime() + LINK_TTL_MS).toISOString());
    assert.equal(asked.headers.get('cache-control'), 'no-store');

    // Every stream of that login, and only theirs, hears of it.
    const [event] = await events.waitFor('device_request');
    const shown = JSON.parse(event.data);
    assert.deepEqual(Object.keys(shown).sort(), ['address', 'deviceName', 'expiresAt', 'keyFingerprint', 'request', 'userAgent']);
    assert.equal(shown.request, request);
    assert.equal(shown.deviceName, 'Phone');
    assert.equal(shown.keyFingerprint, createHash('sha256').update(device.key.spki).digest('hex'), "hex SHA-256 of the CSR's SubjectPublicKeyInfo");
    assert.match(shown.address, /127\.0\.0\.1/);
    assert.equal(shown.userAgent, USER_AGENT);
    assert.equal(shown.expiresAt, expiresAt);

    const listed = await pending(s.url, me.token);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json, [{ ...shown, createdAt: s.clock.now.toISOString() }]);
    assert.deepEqual((await pending(s.url, stranger.token)).json, []);

    const waiting = await collect(s.url, request, secret);
    assert.equal(waiting.status, 202, JSON.stringify(waiting.json));
    assert.deepEqual(waiting.json, { request, state: 'pending', expiresAt });

    const bad = await approve(s.url, me.token, request, wrong(code));
    assert.equal(bad.status, 400, JSON.stringify(bad.json));
    assert.equal(bad.json.error, 'validation');
    assert.match(bad.json.fields.code, /not the code the new device shows; 4 tries are left/);
    assert.equal(bad.json.triesLeft, 4);

    const approved = await approve(s.url, me.token, request, code);
    assert.equal(approved.status, 201, JSON.stringify(approved.json));
    assert.deepEqual(Object.keys(approved.json).sort(), ['deviceName', 'serial']);
    assert.equal(approved.json.deviceName, 'Phone');

    const issued = await collect(s.url, request, secret);
    assert.equal(issued.status, 200, JSON.stringify(issued.json));
    assert.equal(issued.json.serial, approved.json.serial);
    assert.equal(issued.json.login, me.login);
    assert.match(issued.json.certificate, /^-----BEGIN CERTIFICATE-----/);
    assert.match(issued.json.chain, /BEGIN CERTIFICATE/);

    // The new device logs in with its own key (§3); the old one keeps its session and logs in too.
    const newToken = await apiLogin(s.url, { login: me.login, password: me.password, certificate: issued.json.certificate, key: device.key });
    const newSession = await call(s.url, 'GET', '/api/v1/session', bearer(newToken));
    assert.equal(newSession.json.certificateSerial, approved.json.serial);
    const oldSession = await call(s.url, 'GET', '/api/v1/session', bearer(me.token));
    assert.equal(oldSession.status, 200);
    assert.equal(oldSession.json.certificateSerial, me.serial);
    await apiLogin(s.url, me);

    const current = (await currentCertificates(s.service.records, me.login)).map((r) => r.serial);
    assert.deepEqual(current.sort(), [me.serial, approved.json.serial].sort());
    const record = await s.service.records.get(approved.json.serial);
    assert.equal(record!.deviceName, 'Phone');

    // Done: no longer listed, not approved twice.
    assert.deepEqual((await pending(s.url, me.token)).json, []);
    const again = await approve(s.url, me.token, request, code);
    assert.equal(again.status, 409, JSON.stringify(again.json));

    const kinds = (await activity(s.url, me.token)).filter((e) => e.kind.startsWith('device_link'));
    const requested = kinds.find((e) => e.kind === 'device_link_requested');
    assert.equal(requested.deviceName, 'Phone');
    assert.equal(requested.userAgent, USER_AGENT);
    assert.match(requested.address, /127\.0\.0\.1/);
    const linked = kinds.find((e) => e.kind === 'device_link_approved');
    assert.equal(linked.serial, approved.json.serial);
    assert.equal(linked.deviceName, 'Phone');

    assert.equal(theirs.events.filter((e) => e.event === 'device_request').length, 0, "another login's streams hear nothing");
    events.close();
    theirs.close();
  });

  it('refused: the new device hears 410, and the request can be neither approved nor refused again', async () => {
    const me = await webUser(s.url, 'linkno');
    const device = await newDevice();
    const { json: asked } = await ask(s.url, me, device.csr, 'Unknown laptop');
    const refused = await refuse(s.url, me.token, asked.request);
    assert.equal(refused.status, 204, JSON.stringify(refused.json));

    assertGone(await collect(s.url, asked.request, asked.secret), 'refused', 'collect');
    assertGone(await approve(s.url, me.token, asked.request, asked.code), 'refused', 'approve');
    assertGone(await refuse(s.url, me.token, asked.request), 'refused', 'refuse again');
    assert.deepEqual((await pending(s.url, me.token)).json, []);
    assert.equal((await currentCertificates(s.service.records, me.login)).length, 1);
    const entry = (await activity(s.url, me.token)).find((e) => e.kind === 'device_link_refused');
    assert.equal(entry?.deviceName, 'Unknown laptop');
  });

  it('the fifth wrong code ends the request: the right code then is 410, and so is collecting', async () => {
    const me = await webUser(s.url, 'linkcode');
    const device = await newDevice();
    const { json: asked } = await ask(s.url, me, device.csr);
    for (let n = 1; n <= 5; n++) {
      const bad = await approve(s.url, me.token, asked.request, wrong(asked.code, n));
      assert.equal(bad.status, 400, JSON.stringify(bad.json));
      assert.equal(bad.json.error, 'validation');
      assert.equal(bad.json.triesLeft, 5 - n);
      assert.ok(bad.json.fields.code, 'names the code');
    }
    const last = await approve(s.url, me.token, asked.request, wrong(asked.code, 6));
    assertGone(last, 'failed', 'a sixth try');
    assertGone(await approve(s.url, me.token, asked.request, asked.code), 'failed', 'the right code after five wrong ones');
    assertGone(await collect(s.url, asked.request, asked.secret), 'failed', 'collect');
    assert.equal((await s.service.storage.linkRequests.get(asked.request))!.state, 'failed');
    assert.equal((await currentCertificates(s.service.records, me.login)).length, 1, 'nothing issued');
    const entry = (await activity(s.url, me.token)).find((e) => e.kind === 'device_link_failed');
    assert.equal(entry?.reason, 'wrong_codes');
  });

  it('refuses a wrong password with login\'s 401, for a known and an unknown login alike, and records it for the known one', async () => {
    const me = await webUser(s.url, 'linkpw');
    const device = await newDevice();
    const refused = await ask(s.url, { login: me.login, password: `${me.password}x` }, device.csr);
    assert.equal(refused.status, 401, JSON.stringify(refused.json));
    assert.deepEqual(refused.json, { error: 'invalid_credentials', message: 'The login or the password is wrong.' });
    const nobody = await ask(s.url, { login: 'nobody-here', password: me.password }, device.csr);
    assert.deepEqual([nobody.status, nobody.json], [401, refused.json]);
    // Recorded after the answer (it must not time the login's existence).
    let entry: any;
    for (let i = 0; i < 50 && !entry; i++) {
      entry = (await activity(s.url, me.token)).find((e) => e.kind === 'device_link_failed');
      if (!entry) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(entry?.reason, 'password');
    assert.equal(entry?.userAgent, USER_AGENT);
  });

  it('refuses a CSR whose key is already certified (bad_csr), a bad device name and a code that is not 6 digits', async () => {
    const me = await webUser(s.url, 'linkcsr');
    const same = await ask(s.url, me, await makeCsr(me.key, me.login));
    assert.equal(same.status, 400, JSON.stringify(same.json));
    assert.equal(same.json.error, 'bad_csr');
    assert.match(same.json.fields.csr, /already certified: a new device needs a key of its own/);

    const device = await newDevice();
    for (const name of ['   ', 'x'.repeat(65), 'two\nlines']) {
      const res = await ask(s.url, me, device.csr, name);
      assert.equal(res.status, 400, JSON.stringify(res.json));
      assert.ok(res.json.fields.deviceName, JSON.stringify(res.json));
    }
    const trimmed = await ask(s.url, me, device.csr, `  ${'y'.repeat(64)}  `);
    assert.equal(trimmed.status, 202, JSON.stringify(trimmed.json));
    for (const code of ['12345', '1234567', 'abcdef']) {
      const res = await approve(s.url, me.token, trimmed.json.request, code);
      assert.equal(res.status, 400, JSON.stringify(res.json));
      assert.ok(res.json.fields.code);
    }
    assert.equal((await s.service.storage.linkRequests.get(trimmed.json.request))!.wrongCodes, 0, 'malformed codes are not counted');
    assert.equal((await pending(s.url, me.token)).json[0].deviceName, 'y'.repeat(64));
  });

  it("someone else's request is 404 to approve or refuse; a wrong or missing secret cannot collect", async () => {
    const me = await webUser(s.url, 'linkmine');
    const other = await webUser(s.url, 'linkother');
    const device = await newDevice();
    const { json: asked } = await ask(s.url, me, device.csr);

    const approved = await approve(s.url, other.token, asked.request, asked.code);
    assert.equal(approved.status, 404, JSON.stringify(approved.json));
    assert.equal((await refuse(s.url, other.token, asked.request)).status, 404);
    assert.equal((await s.service.storage.linkRequests.get(asked.request))!.wrongCodes, 0);

    const stranger = await collect(s.url, asked.request, 'A'.repeat(43));
    assert.equal(stranger.status, 404, JSON.stringify(stranger.json));
    assert.equal((await collect(s.url, crypto.randomUUID(), asked.secret)).status, 404);
    const bare = await call(s.url, 'GET', `/api/v1/devices/link/${asked.request}`);
    assert.equal(bare.status, 401, JSON.stringify(bare.json));
    assert.equal((await collect(s.url, 'not-a-request', asked.secret)).status, 400);
    assert.equal((await collect(s.url, asked.request, asked.secret)).status, 202, 'still pending for its own device');
  });

  it('an 11th device is 409 too_many_devices and the request waits; once a device is revoked, the same code links it', async () => {
    const me = await webUser(s.url, 'linkmax');
    const keys = await newKeyCsrs(9);
    for (const [i, { csr }] of keys.entries()) await s.service.lifecycle.link(me.login, csr, `Device ${i + 2}`);
    const devices = await currentCertificates(s.service.records, me.login);
    assert.equal(devices.length, 10);

    const device = await newDevice();
    const { json: asked } = await ask(s.url, me, device.csr, 'Eleventh');
    const full = await approve(s.url, me.token, asked.request, asked.code);
    assert.equal(full.status, 409, JSON.stringify(full.json));
    assert.equal(full.json.error, 'too_many_devices');
    assert.equal((await collect(s.url, asked.request, asked.secret)).status, 202);
    assert.equal((await pending(s.url, me.token)).json.length, 1);

    await s.service.lifecycle.revokeDevice(me.login, devices[9].serial, 'cessationOfOperation');
    const approved = await approve(s.url, me.token, asked.request, asked.code);
    assert.equal(approved.status, 201, JSON.stringify(approved.json));
    assert.equal((await collect(s.url, asked.request, asked.secret)).json.serial, approved.json.serial);
    assert.equal((await currentCertificates(s.service.records, me.login)).length, 10);
  });

  it('two approvals at once: exactly one issues', async () => {
    const me = await webUser(s.url, 'linkrace');
    const second = await apiLogin(s.url, me);
    const device = await newDevice();
    const { json: asked } = await ask(s.url, me, device.csr);
    const answers = await Promise.all([approve(s.url, me.token, asked.request, asked.code), approve(s.url, second, asked.request, asked.code)]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [201, 409], JSON.stringify(answers.map((a) => a.json)));
    assert.equal((await currentCertificates(s.service.records, me.login)).length, 2);
    const issued = await collect(s.url, asked.request, asked.secret);
    assert.equal(issued.json.serial, answers.find((a) => a.status === 201)!.json.serial);
  });

  // Last: moves the server's clock forward for good.
  it('expires after 10 minutes: 410 to collect, approve and refuse, no longer listed; forgotten a day later', async () => {
    const me = await webUser(s.url, 'linkold');
    const device = await newDevice();
    const { json: asked } = await ask(s.url, me, device.csr);
    s.clock.now = new Date(s.clock.now.getTime() + LINK_TTL_MS - 1);
    assert.equal((await collect(s.url, asked.request, asked.secret)).status, 202, 'still alive a millisecond before');
    s.clock.now = new Date(s.clock.now.getTime() + 1);

    assertGone(await collect(s.url, asked.request, asked.secret), 'expired', 'collect');
    assertGone(await approve(s.url, me.token, asked.request, asked.code), 'expired', 'approve');
    assertGone(await refuse(s.url, me.token, asked.request), 'expired', 'refuse');
    assert.deepEqual((await pending(s.url, me.token)).json, []);
    assert.equal((await s.service.storage.linkRequests.get(asked.request))!.wrongCodes, 0);

    // A day later, the next request made cleans it up.
    s.clock.now = new Date(s.clock.now.getTime() + 24 * 3600_000 + 60_000);
    const later = await webUser(s.url, 'linklater');
    assert.equal((await ask(s.url, later, (await newDevice()).csr)).status, 202);
    assert.equal(await s.service.storage.linkRequests.get(asked.request), undefined);
    assert.equal((await collect(s.url, asked.request, asked.secret)).status, 404);
  });
});

describe('linking counts as a password guess', () => {
  it("shares the login's limit on password guesses with §3 login", async () => {
    const server = await startServer({ env: { TEKUP_LOGIN_PER_MINUTE: '3' } });
    try {
      const me = await webUser(server.url, 'linkguess'); // one guess: its login
      const device = await newDevice();
      for (let i = 0; i < 2; i++) {
        const res = await ask(server.url, { login: me.login, password: 'not the password' }, device.csr);
        assert.equal(res.status, 401, JSON.stringify(res.json));
      }
      const limited = await ask(server.url, me, device.csr);
      assert.equal(limited.status, 429, JSON.stringify(limited.json));
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      const { json: challenge } = await postJson(`${server.url}/api/v1/session/challenge`, { login: me.login });
      const login = await postJson(`${server.url}/api/v1/session`, { login: me.login, password: me.password, certificate: me.certificate, challenge: challenge.challenge, signature: 'AAAA' });
      assert.equal(login.status, 429, JSON.stringify(login.json));
    } finally {
      await server.stop();
    }
  });
});
