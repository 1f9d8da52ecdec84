// Asking the authority about a certificate (docs/protocol.md, "Checking a certificate"): the API
// for curl and scripts, and the public /authority page that asks the same question without script.
// The answer rests on our signature and our issuing record only, so a pirate's copy of a real
// subject, issuer name and key is still "untrusted".
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { enrollUser, loginAs, type Enrolled } from './helpers/login.ts';
import { makeCsr, openssl } from './helpers/openssl.ts';
import { postJson } from './helpers/users.ts';
import { tempDir } from './helpers/server.ts';

let srv: InProcess;
let alice: Enrolled;
before(async () => {
  srv = await startInProcess();
  alice = await enrollUser(srv.url, 'chk');
});
after(async () => {
  await srv.close();
});

const check = (certificate: string) => postJson(`${srv.url}/api/v1/certificates/check`, { certificate });
const authed = (token: string) => ({ authorization: `Bearer ${token}` });

/** A certificate for alice's own key and name, signed by a CA that even copies our intermediate's name. */
function forgedForAlice(): string {
  const dir = tempDir('forge-');
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.pem');
  openssl(['req', '-x509', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caCert, '-days', '30', '-subj', '/CN=TEKUP_chat Issuing CA 1/O=TEKUP_chat']);
  const csr = join(dir, 'victim.csr');
  openssl(['req', '-new', '-key', alice.keyFile, '-subj', `/UID=${alice.login}/CN=${alice.body.firstName} ${alice.body.lastName}/O=TEKUP_chat`, '-out', csr]);
  const ext = join(dir, 'ext.cnf');
  writeFileSync(ext, `subjectAltName=email:${alice.body.email}\nextendedKeyUsage=clientAuth,emailProtection\n`);
  const forged = join(dir, 'forged.pem');
  openssl(['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-days', '30', '-extfile', ext, '-out', forged]);
  return readFileSync(forged, 'utf8');
}

describe('POST /api/v1/certificates/check', () => {
  it('a certificate we issued: to whom, its standing, and that it is current — without a session', async () => {
    const res = await check(alice.certificate);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const r = res.json;
    assert.equal(r.issued, true);
    assert.equal(r.status, 'valid');
    assert.equal(r.current, true);
    assert.equal(r.login, alice.login);
    assert.equal(r.name, `${alice.body.firstName} ${alice.body.lastName}`);
    assert.equal(r.email, alice.body.email);
    assert.equal(r.serial, alice.serial);
    assert.equal(r.fingerprint, alice.fingerprint);
    assert.equal(r.subject, `UID=${alice.login}, CN=${alice.body.firstName} ${alice.body.lastName}, O=TEKUP_chat`);
    assert.equal(r.issuer, 'CN=TEKUP_chat Issuing CA 1, O=TEKUP_chat');
    assert.ok(r.daysLeft > 360 && r.daysLeft <= 365, String(r.daysLeft));
    assert.equal(r.revokedAt, undefined);
  });

  it('takes the PEM as multipart (a file part), as a raw application/x-pem-file body, or inside other text', async () => {
    const form = new FormData();
    form.set('certificate', new Blob([alice.certificate]), 'alice.pem');
    const multipart = await fetch(`${srv.url}/api/v1/certificates/check`, { method: 'POST', body: form });
    assert.equal(multipart.status, 200);
    assert.equal(((await multipart.json()) as any).serial, alice.serial);
    const raw = await fetch(`${srv.url}/api/v1/certificates/check`, { method: 'POST', body: alice.certificate, headers: { 'content-type': 'application/x-pem-file' } });
    assert.equal(raw.status, 200);
    assert.equal(((await raw.json()) as any).serial, alice.serial);
    const quoted = await check(`Here is my certificate:\n\n${alice.certificate}\nThanks`);
    assert.equal(quoted.json.serial, alice.serial);
  });

  it('a self-signed copy of the subject, and a certificate from another CA with our issuer name and alice’s own key, are untrusted', async () => {
    const dir = tempDir('pirate-');
    const pirate = join(dir, 'c.pem');
    openssl(['req', '-x509', '-new', '-key', alice.keyFile, '-out', pirate, '-days', '30', '-subj', `/UID=${alice.login}/CN=${alice.body.firstName} ${alice.body.lastName}/O=TEKUP_chat`]);
    for (const pem of [readFileSync(pirate, 'utf8'), forgedForAlice()]) {
      const res = await check(pem);
      assert.equal(res.status, 200);
      assert.equal(res.json.issued, false);
      assert.equal(res.json.status, 'untrusted');
      // It says what the certificate claims, and vouches for nothing: no login, name or current.
      assert.match(res.json.subject, new RegExp(`UID=${alice.login}`));
      assert.equal(res.json.login, undefined);
      assert.equal(res.json.current, undefined);
    }
  });

  it('the root and the issuing CA are named as such; our own OCSP responder certificate is no user certificate', async () => {
    const root = await check(await (await fetch(`${srv.url}/ca/root.pem`)).text());
    assert.deepEqual([root.json.issued, root.json.status, root.json.role], [true, 'authority', 'root']);
    const intermediate = await check(await (await fetch(`${srv.url}/ca/intermediate.pem`)).text());
    assert.deepEqual([intermediate.json.issued, intermediate.json.status, intermediate.json.role], [true, 'authority', 'intermediate']);
    const responder = await check(readFileSync(join(srv.dataDir, 'ca', 'ocsp-responder.pem'), 'utf8'));
    assert.deepEqual([responder.json.issued, responder.json.status], [false, 'unknown']);
    assert.equal(responder.json.issuer, 'CN=TEKUP_chat Issuing CA 1, O=TEKUP_chat');
  });

  it('after a renewal the old certificate is revoked as superseded and no longer current; a revocation shows its date and reason', async () => {
    const bob = await enrollUser(srv.url, 'chkrenew');
    const token = await loginAs(srv.url, bob);
    const renewed = await postJson(`${srv.url}/api/v1/certificate/renew`, { csr: makeCsr().csr }, authed(token));
    assert.equal(renewed.status, 201);
    const old = await check(bob.certificate);
    assert.equal(old.json.status, 'revoked');
    assert.equal(old.json.revocationReason, 'superseded');
    assert.equal(old.json.current, false);
    assert.ok(Date.parse(old.json.revokedAt) > 0);
    const fresh = await check(renewed.json.certificate);
    assert.deepEqual([fresh.json.status, fresh.json.current], ['valid', true]);

    const carol = await enrollUser(srv.url, 'chkrevoke');
    const revoked = await postJson(`${srv.url}/api/v1/certificate/revoke`, { reason: 'keyCompromise' }, authed(await loginAs(srv.url, carol)));
    assert.equal(revoked.status, 200);
    const r = await check(carol.certificate);
    // Revoked, it is no longer one of carol's current certificates (protocol §6).
    assert.deepEqual([r.json.status, r.json.revocationReason, r.json.revokedAt, r.json.current], ['revoked', 'keyCompromise', revoked.json.revokedAt, false]);
  });

  it('expiry follows the clock: expiring within 30 days, expired after notAfter', async () => {
    const start = srv.clock.now;
    try {
      srv.clock.now = new Date(start.getTime() + 340 * 86_400_000);
      const soon = await check(alice.certificate);
      assert.equal(soon.json.status, 'expiring');
      assert.ok(soon.json.daysLeft < 30);
      srv.clock.now = new Date(start.getTime() + 400 * 86_400_000);
      const gone = await check(alice.certificate);
      assert.equal(gone.json.status, 'expired');
    } finally {
      srv.clock.now = start;
    }
  });

  it('what is not one readable certificate is a 400 on the certificate field, and a private key is never echoed', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /Paste a certificate/],
      [{ certificate: '   ' }, /Paste a certificate/],
      [{ certificate: 42 }, /Paste a certificate/],
      [{ certificate: 'not a certificate' }, /PEM form/],
      [{ certificate: alice.certificate + alice.certificate }, /holds 2 certificates/],
      [{ certificate: alice.keyPem }, /private key: never share it/],
      [{ certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }, /could not be read/],
      [{ certificate: 'x'.repeat(40_000) }, /too long/],
    ];
    for (const [body, message] of cases) {
      const res = await postJson(`${srv.url}/api/v1/certificates/check`, body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 60));
      assert.equal(res.json.error, 'validation');
      assert.match(res.json.fields.certificate, message);
      assert.doesNotMatch(JSON.stringify(res.json), /PRIVATE KEY-----|MII/);
    }
    const text = await fetch(`${srv.url}/api/v1/certificates/check`, { method: 'POST', body: alice.certificate, headers: { 'content-type': 'text/plain' } });
    assert.equal(text.status, 415);
  });

  it('GET /api/v1/certificates/{serial} beside it still needs a session', async () => {
    const res = await fetch(`${srv.url}/api/v1/certificates/${alice.serial}`);
    assert.equal(res.status, 401);
  });

  it('is rate-limited per address', async () => {
    const tight = await startInProcess({ env: { TEKUP_ADDRESS_PER_MINUTE: '3' } });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await postJson(`${tight.url}/api/v1/certificates/check`, { certificate: 'x' })).status);
      assert.deepEqual(statuses, [400, 400, 400, 429, 429]);
    } finally {
      await tight.close();
    }
  });
});

describe('the /authority page', () => {
  const page = async () => {
    const res = await fetch(`${srv.url}/authority`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    return res.text();
  };
  const grouped = (hex: string) => (hex.match(/.{4}/g) ?? []).join(' ');

  it('shows the hierarchy with fingerprints, the revocation list and the OCSP responder, to anyone', async () => {
    const html = await page();
    const fps = (await (await fetch(`${srv.url}/ca/fingerprints`)).json()) as { root: string; intermediate: string };
    assert.ok(html.includes(grouped(fps.root)), 'root fingerprint');
    assert.ok(html.includes(grouped(fps.intermediate)), 'intermediate fingerprint');
    assert.ok(html.includes(`${srv.url}/ocsp`));
    for (const href of ['/ca/root.pem', '/ca/chain.pem', '/ca/intermediate.pem', '/ca/intermediate.cer', '/ca/crl', '/ca/crl.pem']) {
      assert.ok(html.includes(`href="${href}"`), href);
    }
    assert.match(html, /href="\/login"/);
  });

  it('the revocation list number and count follow a revocation', async () => {
    const before = await page();
    const number = (html: string) => Number(/data-crl-number="(\d+)"/.exec(html)?.[1]);
    const count = (html: string) => Number(/data-crl-revoked>(\d+)</.exec(html)?.[1]);
    const dave = await enrollUser(srv.url, 'chkcrl');
    // This server's clock stands still unless moved: a second later than the revocations before.
    srv.clock.now = new Date(srv.clock.now.getTime() + 1000);
    const res = await postJson(`${srv.url}/api/v1/certificate/revoke`, {}, authed(await loginAs(srv.url, dave)));
    assert.equal(res.status, 200);
    const afterwards = await page();
    assert.ok(number(afterwards) > number(before), `${number(before)} → ${number(afterwards)}`);
    assert.equal(count(afterwards), count(before) + 1);
    // Listed on the page as in the CRL: serial, date and reason, newest first; no name.
    const row = new RegExp(`<tr data-revoked-serial="${dave.serial}"><td class="mono">${dave.serial}</td><td><time datetime="${res.json.revokedAt}"[^>]*>[^<]+</time></td><td>key compromised</td></tr>`);
    assert.match(afterwards, row);
    assert.equal(/data-revoked-serial="([0-9a-f]+)"/.exec(afterwards)?.[1], dave.serial, 'the newest revocation comes first');
    assert.ok(!afterwards.includes(dave.login), 'no login next to a revocation');
    // The same number as the CRL itself carries.
    const crl = openssl(['crl', '-inform', 'PEM', '-noout', '-crlnumber'], await (await fetch(`${srv.url}/ca/crl.pem`)).text());
    assert.equal(parseInt(crl.split('=')[1], 16), number(afterwards));
  });

  const postForm = (fields: Record<string, string | Blob>, headers: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    return fetch(`${srv.url}/authority`, { method: 'POST', body: form, headers });
  };

  it('the form answers without script: a verdict for a certificate, pasted or as a file', async () => {
    const pasted = await postForm({ certificate: alice.certificate });
    assert.equal(pasted.status, 200);
    const html = await pasted.text();
    assert.match(html, /data-check-result="valid"/);
    assert.ok(html.includes(`Issued by TEKUP_chat to ${alice.body.firstName} ${alice.body.lastName}`));
    const file = await postForm({ certificate: '', certificateFile: new Blob([forgedForAlice()], { type: 'application/x-pem-file' }) });
    const forged = await file.text();
    assert.match(forged, /data-check-result="untrusted"/);
    assert.match(forged, /TEKUP_chat did not issue this certificate/);
  });

  it('a problem is shown next to the field, and a pasted private key is neither checked nor shown again', async () => {
    const empty = await (await postForm({ certificate: '' })).text();
    assert.match(empty, /aria-invalid="true"/);
    assert.match(empty, /data-error-for="certificate">Paste a certificate \(PEM\) or choose its file\./);
    const key = await (await postForm({ certificate: alice.keyPem })).text();
    assert.match(key, /That is a private key: never share it/);
    assert.doesNotMatch(key, /PRIVATE KEY-----/);
    assert.ok(!key.includes(alice.keyPem.split('\n')[1]), 'no line of the key comes back');
  });

  it('keeps the app bar for someone signed in', async () => {
    const token = await loginAs(srv.url, alice);
    const html = await (await fetch(`${srv.url}/authority`, { headers: authed(token) })).text();
    assert.match(html, new RegExp(`data-me="${alice.login}"`));
    assert.match(html, /href="\/certificate"/);
    const anonymous = await page();
    assert.doesNotMatch(anonymous, /data-me=/);
  });

  it('refuses a cross-site form post', async () => {
    const res = await postForm({ certificate: alice.certificate }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    assert.equal(res.status, 403);
  });
});
