// Certificate life cycle seen by its owner: renewal with a new key, revocation, expiry warnings,
// configurable lifetime, and start-up repair of interrupted work.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { startServer, type Running } from './helpers/server.ts';
import { csrForKey, makeCsr, openssl } from './helpers/openssl.ts';
import { exponentOneCsr } from './helpers/weak-rsa.ts';
import { postJson } from './helpers/users.ts';
import { attemptLogin, enrollUser, loginAs } from './helpers/login.ts';
import { startInProcess } from './helpers/inprocess.ts';

let server: Running;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

const authed = (token: string) => ({ authorization: `Bearer ${token}` });

describe('renewal', () => {
  it('issues a certificate for a new key; the new key logs in, the old certificate is not_owner and revoked as superseded', async () => {
    const u = await enrollUser(server.url, 'renew');
    const token = await loginAs(server.url, u);
    const fresh = makeCsr();
    const res = await postJson(`${server.url}/api/v1/certificate/renew`, { csr: fresh.csr }, authed(token));
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.notEqual(res.json.serial, u.serial);

    const old = await attemptLogin(server.url, { login: u.login, password: u.password, certificate: u.certificate, keyPem: u.keyPem });
    assert.equal(old.status, 403);
    assert.equal(old.json.reason, 'not_owner');
    const renewed = await attemptLogin(server.url, { login: u.login, password: u.password, certificate: res.json.certificate, keyPem: fresh.key });
    assert.equal(renewed.status, 200, JSON.stringify(renewed.json));

    const mine = await (await fetch(`${server.url}/api/v1/certificate`, { headers: authed(renewed.json.token) })).json() as any;
    assert.equal(mine.serial, res.json.serial);
    assert.equal(mine.status, 'valid');
    const previous = mine.history.find((h: any) => h.serial === u.serial);
    assert.equal(previous.status, 'revoked');
    assert.equal(previous.revocationReason, 'superseded');
    // the directory shows the new fingerprint
    const users = await (await fetch(`${server.url}/api/v1/users`, { headers: authed(renewed.json.token) })).json() as any[];
    assert.equal(users.find((x) => x.login === u.login).fingerprint, res.json.fingerprint);
  });

  it('renews with a CSR naming someone else: the certificate names its owner, and the answer lists what was ignored', async () => {
    const u = await enrollUser(server.url, 'renewnames');
    const token = await loginAs(server.url, u);
    const res = await postJson(`${server.url}/api/v1/certificate/renew`, { csr: makeCsr('/CN=anything/O=Somewhere').csr }, authed(token));
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.deepEqual(res.json.ignored, ['subject CN=anything']);
    const subject = openssl(['x509', '-noout', '-subject', '-nameopt', 'sep_comma_plus_space'], res.json.certificate);
    assert.equal(subject.trim(), `subject=UID=${u.login}, CN=Amira Ben Salah, O=TEKUP_chat`);
    const plain = await postJson(`${server.url}/api/v1/certificate/renew`, { csr: makeCsr().csr }, authed(token));
    assert.equal(plain.status, 201, JSON.stringify(plain.json));
    assert.ok(!('ignored' in plain.json));
  });

  it('refuses a renewal CSR with a weak key and changes nothing', async () => {
    const u = await enrollUser(server.url, 'renewbad');
    const token = await loginAs(server.url, u);
    const res = await postJson(`${server.url}/api/v1/certificate/renew`, { csr: makeCsr(undefined, ['-newkey', 'rsa:1024']).csr }, authed(token));
    assert.equal(res.status, 400);
    assert.equal(res.json.error, 'bad_csr');
    const again = await attemptLogin(server.url, { login: u.login, password: u.password, certificate: u.certificate, keyPem: u.keyPem });
    assert.equal(again.status, 200);
  });

  it('refuses a renewal CSR whose RSA exponent is 1 or 3 and changes nothing', async () => {
    const u = await enrollUser(server.url, 'renewexp');
    const token = await loginAs(server.url, u);
    for (const [e, csr] of [
      [1, exponentOneCsr()],
      [3, makeCsr(undefined, ['-newkey', 'rsa:2048', '-pkeyopt', 'rsa_keygen_pubexp:3']).csr],
    ] as const) {
      const res = await postJson(`${server.url}/api/v1/certificate/renew`, { csr, reason: 'keyCompromise' }, authed(token));
      assert.equal(res.status, 400, JSON.stringify(res.json));
      assert.equal(res.json.error, 'bad_csr');
      assert.equal(res.json.message, `The request's RSA public exponent is ${e}; use a key with exponent 65537.`);
    }
    const mine = (await (await fetch(`${server.url}/api/v1/certificate`, { headers: authed(token) })).json()) as any;
    assert.equal(mine.serial, u.serial);
    assert.equal(mine.status, 'valid');
    assert.equal(mine.history.length, 1);
  });

  it('refuses a renewal CSR with a malformed extension as bad_csr, not a server error', async () => {
    const u = await enrollUser(server.url, 'renewext');
    const token = await loginAs(server.url, u);
    const csr = openssl(['req', '-new', '-key', makeCsr().keyFile, '-subj', '/O=Somewhere', '-addext', 'subjectAltName=DER:0500']);
    const res = await postJson(`${server.url}/api/v1/certificate/renew`, { csr }, authed(token));
    assert.equal(res.status, 400, JSON.stringify(res.json));
    assert.equal(res.json.error, 'bad_csr');
    assert.match(res.json.message, /subjectAltName extension could not be read/);
  });

  it('refuses to renew with the current key, as superseded or as keyCompromise, and changes nothing', async () => {
    const u = await enrollUser(server.url, 'renewsame');
    const token = await loginAs(server.url, u);
    const sameKey = csrForKey(u.keyFile);
    for (const reason of ['superseded', 'keyCompromise']) {
      const res = await postJson(`${server.url}/api/v1/certificate/renew`, { csr: sameKey, reason }, authed(token));
      assert.equal(res.status, 400, `${reason}: ${JSON.stringify(res.json)}`);
      assert.equal(res.json.error, 'bad_csr');
      assert.equal(res.json.message, 'This key is already certified: renewal needs a new key.');
      assert.equal(res.json.fields.csr, res.json.message);
    }
    const mine = (await (await fetch(`${server.url}/api/v1/certificate`, { headers: authed(token) })).json()) as any;
    assert.equal(mine.serial, u.serial);
    assert.equal(mine.status, 'valid');
    assert.deepEqual(mine.history.map((h: any) => [h.serial, h.status]), [[u.serial, 'valid']]);
    const again = await attemptLogin(server.url, { login: u.login, password: u.password, certificate: u.certificate, keyPem: u.keyPem });
    assert.equal(again.status, 200, JSON.stringify(again.json));
  });

  it('refuses a key this CA certified before: an earlier, superseded one of the same login, or another login\'s', async () => {
    const u = await enrollUser(server.url, 'renewold');
    const other = await enrollUser(server.url, 'renewother');
    const token = await loginAs(server.url, u);
    const renew = (csr: string) => postJson(`${server.url}/api/v1/certificate/renew`, { csr }, authed(token));
    const fresh = makeCsr();
    const first = await renew(fresh.csr);
    assert.equal(first.status, 201, JSON.stringify(first.json));
    for (const keyFile of [u.keyFile, other.keyFile]) {
      const res = await renew(csrForKey(keyFile));
      assert.equal(res.status, 400, JSON.stringify(res.json));
      assert.equal(res.json.error, 'bad_csr');
      assert.match(res.json.message, /already certified/);
    }
    const mine = (await (await fetch(`${server.url}/api/v1/certificate`, { headers: authed(token) })).json()) as any;
    assert.equal(mine.serial, first.json.serial);
  });

  it('needs a session', async () => {
    const res = await postJson(`${server.url}/api/v1/certificate/renew`, { csr: makeCsr().csr });
    assert.equal(res.status, 401);
  });
});

describe('revocation by the owner', () => {
  it('ends the session at once and login is refused as revoked', async () => {
    const u = await enrollUser(server.url, 'revoke');
    const token = await loginAs(server.url, u);
    const res = await postJson(`${server.url}/api/v1/certificate/revoke`, { reason: 'keyCompromise' }, authed(token));
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.serial, u.serial);
    assert.equal(res.json.reason, 'keyCompromise');
    assert.equal((await fetch(`${server.url}/api/v1/users`, { headers: authed(token) })).status, 401);
    const again = await attemptLogin(server.url, { login: u.login, password: u.password, certificate: u.certificate, keyPem: u.keyPem });
    assert.equal(again.status, 403);
    assert.equal(again.json.reason, 'revoked');
  });

  it('refuses an unknown reason with the field named', async () => {
    const u = await enrollUser(server.url, 'revokebad');
    const token = await loginAs(server.url, u);
    const res = await postJson(`${server.url}/api/v1/certificate/revoke`, { reason: 'bored' }, authed(token));
    assert.equal(res.status, 400);
    assert.equal(typeof res.json.fields.reason, 'string');
  });
});

describe('expiry', () => {
  it('exposes status and notAfter, and warns in the last 30 days', async () => {
    const s = await startInProcess();
    try {
      const u = await enrollUser(s.url, 'expiry');
      // Someone who registered at the moment of each look (sessions last hours, the clock jumps months).
      const look = async () => {
        const viewer = await loginAs(s.url, await enrollUser(s.url, 'viewer'));
        const r = await fetch(`${s.url}/api/v1/users/${u.login}/certificate`, { headers: { ...authed(viewer), accept: 'application/json' } });
        assert.equal(r.status, 200);
        return (await r.json()) as any;
      };
      const fresh = await look();
      assert.equal(fresh.status, 'valid');
      assert.equal(fresh.serial, u.serial);
      assert.match(fresh.certificate, /BEGIN CERTIFICATE/);
      s.clock.now = new Date(Date.parse(fresh.notAfter) - 10 * 86_400_000);
      const soon = await look();
      assert.equal(soon.status, 'expiring');
      assert.ok(soon.daysLeft <= 10 && soon.daysLeft >= 9);
      s.clock.now = new Date(Date.parse(fresh.notAfter) + 1000);
      assert.equal((await look()).status, 'expired');
    } finally {
      await s.close();
    }
  });

  it('uses the configured lifetime (--cert-days)', async () => {
    const s = await startServer({ args: ['--cert-days', '10'] });
    try {
      const u = await enrollUser(s.url, 'short');
      const token = await loginAs(s.url, u);
      const mine = (await (await fetch(`${s.url}/api/v1/certificate`, { headers: authed(token) })).json()) as any;
      const lifetime = (Date.parse(mine.notAfter) - Date.parse(mine.notBefore)) / 86_400_000;
      assert.equal(Math.round(lifetime), 10);
      assert.equal(mine.status, 'expiring');
    } finally {
      await s.stop();
    }
  });
});

describe('start-up repair', () => {
  it('forgets a pending certificate that never reached the directory and revokes a superseded one left unrevoked', async () => {
    const s = await startServer();
    const u = await enrollUser(s.url, 'crash');
    const token = await loginAs(s.url, u);
    const renewed = await postJson(`${s.url}/api/v1/certificate/renew`, { csr: makeCsr().csr }, authed(token));
    assert.equal(renewed.status, 201);
    await s.stop();
    // Simulate a crash: the old certificate's revocation never happened, and a signed
    // certificate was staged without its directory entry.
    const db = new DatabaseSync(join(s.dataDir, 'tekup.db'));
    db.prepare('UPDATE certificates SET revoked_at = NULL, revocation_reason = NULL WHERE serial = ?').run(u.serial);
    db.prepare(`INSERT INTO certificates (serial, login, fingerprint, der, not_before, not_after, issued_at, state)
                VALUES ('0badc0ffee', 'ghost', 'ghostfp', x'00', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'pending')`).run();
    db.close();
    const s2 = await startServer({ dataDir: s.dataDir });
    try {
      const check = new DatabaseSync(join(s.dataDir, 'tekup.db'), { readOnly: true });
      assert.equal(check.prepare(`SELECT count(*) AS n FROM certificates WHERE serial = '0badc0ffee'`).get()!.n, 0);
      assert.equal(check.prepare('SELECT revocation_reason AS r FROM certificates WHERE serial = ?').get(u.serial)!.r, 'superseded');
      check.close();
    } finally {
      await s2.stop();
    }
  });
});
