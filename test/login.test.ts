// Protocol §3: password AND a certificate we issued to this login AND proof of its private key.
// Each refusal of the pirate matrix asserts the exact status and reason and that no session exists.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { startServer, tempDir, type Running } from './helpers/server.ts';
import { openssl } from './helpers/openssl.ts';
import { postJson } from './helpers/users.ts';
import { attemptLogin, challengeFor, enrollUser, loginAs, signChallenge, type Enrolled } from './helpers/login.ts';
import { startInProcess } from './helpers/inprocess.ts';
import { x509 } from '../src/pki/x509.ts';

let server: Running;
let alice: Enrolled;
let bob: Enrolled;

function sessionCount(dataDir = server.dataDir): number {
  const db = new DatabaseSync(join(dataDir, 'tekup.db'), { readOnly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });

async function refused(res: Awaited<ReturnType<typeof postJson>>, status: number, error: string, reason?: string) {
  assert.equal(res.status, status, JSON.stringify(res.json));
  assert.equal(res.json.error, error);
  if (reason) assert.equal(res.json.reason, reason);
  assert.equal(typeof res.json.message, 'string');
  assert.equal(res.headers.get('set-cookie'), null, 'no cookie is set');
  assert.ok(!('token' in res.json));
}

before(async () => {
  server = await startServer();
  alice = await enrollUser(server.url, 'alice');
  bob = await enrollUser(server.url, 'bob');
});
after(async () => {
  await server.stop();
});

describe('the happy path', () => {
  it('issues a challenge for any login with the same shape, expiring within 2 minutes', async () => {
    for (const login of [alice.login, 'nobody-at-all', 'x']) {
      const res = await postJson(`${server.url}/api/v1/session/challenge`, { login });
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.json).sort(), ['challenge', 'expiresAt']);
      const ttl = Date.parse(res.json.expiresAt) - Date.now();
      assert.ok(ttl > 60_000 && ttl <= 120_000, `ttl ${ttl}`);
      assert.match(res.json.expiresAt, /\.\d{3}Z$/);
    }
    const a = await challengeFor(server.url, alice.login);
    const b = await challengeFor(server.url, alice.login);
    assert.notEqual(a, b);
  });

  it('logs in, the token and the cookie open the directory, logout closes both at once', async () => {
    const before = sessionCount();
    const res = await attemptLogin(server.url, { login: alice.login, password: alice.password, certificate: alice.certificate, keyPem: alice.keyPem });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(Object.keys(res.json).sort(), ['expiresAt', 'login', 'token']);
    assert.equal(res.json.login, alice.login);
    const cookie = res.headers.get('set-cookie')!;
    assert.match(cookie, /^tekup_session=[^;]+;/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    // Twelve hours, counted by the browser's own clock.
    assert.match(cookie, /Max-Age=43200(;|$)/);
    assert.doesNotMatch(cookie, /Expires=/);
    assert.doesNotMatch(cookie, /Secure/, 'plain HTTP (--no-tls) cookies cannot be Secure');
    assert.equal(sessionCount(), before + 1);

    const token = res.json.token as string;
    const byBearer = await get('/api/v1/users', { authorization: `Bearer ${token}` });
    assert.equal(byBearer.status, 200);
    const users = (await byBearer.json()) as any[];
    const me = users.find((u) => u.login === alice.login);
    // The §4 fields, then the certificate's standing and the number of devices (extensions, docs/protocol.md).
    assert.deepEqual(Object.keys(me).sort(), ['certificateStatus', 'devices', 'fingerprint', 'firstName', 'lastName', 'lastSeen', 'login', 'notAfter', 'online']);
    assert.equal(me.devices, 1);
    assert.equal(me.certificateStatus, 'valid');
    assert.equal(me.fingerprint, alice.fingerprint);
    assert.ok(users.some((u) => u.login === bob.login));
    const cookieValue = cookie.split(';')[0];
    assert.equal((await get('/api/v1/users', { cookie: cookieValue })).status, 200);

    const cert = await get(`/api/v1/users/${bob.login}/certificate`, { authorization: `Bearer ${token}` });
    assert.equal(cert.status, 200);
    assert.equal(await cert.text(), bob.certificate);

    const out = await fetch(`${server.url}/api/v1/session`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    assert.equal(out.status, 204);
    assert.equal((await get('/api/v1/users', { authorization: `Bearer ${token}` })).status, 401);
    assert.equal((await get('/api/v1/users', { cookie: cookieValue })).status, 401);
    assert.equal(sessionCount(), before);
  });

  it('refuses the directory without a session', async () => {
    const res = await get('/api/v1/users');
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as any).error, 'unauthorized');
    assert.equal((await get('/api/v1/users', { authorization: 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status, 401);
  });

  it('logs in with a key and CSR made by WebCrypto', async () => {
    const keys = await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({ keys, signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } });
    const u = { cardNumber: '87654321', firstName: 'Web', lastName: 'Crypto', login: 'webcrypto', email: 'wc@example.org', password: 'a long webcrypto passphrase' };
    const enrolled = await postJson(`${server.url}/api/v1/enroll`, { ...u, csr: csr.toString('pem') });
    assert.equal(enrolled.status, 201, JSON.stringify(enrolled.json));
    const pss = await crypto.subtle.importKey('pkcs8', await crypto.subtle.exportKey('pkcs8', keys.privateKey), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
    const challenge = await challengeFor(server.url, u.login);
    const sig = await crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, pss, new TextEncoder().encode(challenge));
    const res = await postJson(`${server.url}/api/v1/session`, {
      login: u.login,
      password: u.password,
      certificate: enrolled.json.certificate,
      challenge,
      signature: Buffer.from(sig).toString('base64'),
    });
    assert.equal(res.status, 200, JSON.stringify(res.json));
  });
});

describe('the pirate matrix', () => {
  const pirateSubject = () => `/UID=${alice.login}/CN=${alice.body.firstName} ${alice.body.lastName}/O=TEKUP_chat`;

  it('a self-signed certificate with the victim subject is untrusted_issuer, even with the right password', async () => {
    const dir = tempDir('pirate-');
    const key = join(dir, 'k.pem');
    const cert = join(dir, 'c.pem');
    openssl(['req', '-x509', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', pirateSubject(),
      '-addext', `subjectAltName=email:${alice.body.email}`, '-addext', 'keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment',
      '-addext', 'extendedKeyUsage=clientAuth,emailProtection']);
    const before = sessionCount();
    for (const password of [alice.password, 'a wrong password!!']) {
      const res = await attemptLogin(server.url, { login: alice.login, password, certificate: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') });
      await refused(res, 403, 'certificate_rejected', 'untrusted_issuer');
    }
    assert.equal(sessionCount(), before);
  });

  it('a certificate from another CA with the same subject, issuer name AND public key is untrusted_issuer', async () => {
    const dir = tempDir('pirate-ca-');
    const caKey = join(dir, 'ca.key');
    const caCert = join(dir, 'ca.pem');
    // The pirate CA even copies our intermediate's name.
    openssl(['req', '-x509', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caCert, '-days', '30', '-subj', '/CN=TEKUP_chat Issuing CA 1/O=TEKUP_chat']);
    const csr = join(dir, 'victim.csr');
    openssl(['req', '-new', '-key', alice.keyFile, '-subj', pirateSubject(), '-out', csr]);
    const ext = join(dir, 'ext.cnf');
    writeFileSync(ext, `keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment\nextendedKeyUsage=clientAuth,emailProtection\nsubjectAltName=email:${alice.body.email}\n`);
    const forged = join(dir, 'forged.pem');
    openssl(['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-days', '30', '-extfile', ext, '-out', forged]);
    // Same public key as the real certificate:
    const pub = (f: string) => openssl(['x509', '-in', f, '-noout', '-pubkey']);
    assert.equal(pub(forged), pub(writeCert(dir, alice.certificate)));
    const before = sessionCount();
    // Worst case: the pirate also holds the victim's key and password.
    const res = await attemptLogin(server.url, { login: alice.login, password: alice.password, certificate: readFileSync(forged, 'utf8'), keyPem: alice.keyPem });
    await refused(res, 403, 'certificate_rejected', 'untrusted_issuer');
    assert.equal(sessionCount(), before);
  });

  it("another user's real certificate is not_owner", async () => {
    const before = sessionCount();
    const res = await attemptLogin(server.url, { login: alice.login, password: alice.password, certificate: bob.certificate, keyPem: bob.keyPem });
    await refused(res, 403, 'certificate_rejected', 'not_owner');
    assert.equal(sessionCount(), before);
  });

  it('the right certificate with a signature by another key is bad_signature', async () => {
    const before = sessionCount();
    const res = await attemptLogin(server.url, { login: alice.login, password: alice.password, certificate: alice.certificate, keyPem: bob.keyPem });
    await refused(res, 403, 'certificate_rejected', 'bad_signature');
    assert.equal(sessionCount(), before);
  });

  it('a wrong password is 401 invalid_credentials', async () => {
    const res = await attemptLogin(server.url, { login: alice.login, password: 'not the password at all', certificate: alice.certificate, keyPem: alice.keyPem });
    await refused(res, 401, 'invalid_credentials');
  });

  it('an unknown login is 401 invalid_credentials, byte-identical to a wrong password', async () => {
    const wrong = await attemptLogin(server.url, { login: alice.login, password: 'not the password at all', certificate: alice.certificate, keyPem: alice.keyPem });
    const unknown = await attemptLogin(server.url, { login: 'nosuchuser', password: 'not the password at all', certificate: alice.certificate, keyPem: alice.keyPem });
    await refused(unknown, 401, 'invalid_credentials');
    assert.equal(JSON.stringify(unknown.json), JSON.stringify(wrong.json));
    const strip = (h: Headers) => [...h.entries()].filter(([k]) => !['date', 'x-request-id'].includes(k));
    assert.deepEqual(strip(unknown.headers), strip(wrong.headers));
  });

  it('a reused challenge is refused (bad_signature) and makes no second session', async () => {
    const challenge = await challengeFor(server.url, alice.login);
    const first = await attemptLogin(server.url, { login: alice.login, password: alice.password, certificate: alice.certificate, keyPem: alice.keyPem, challenge });
    assert.equal(first.status, 200);
    const before = sessionCount();
    const again = await attemptLogin(server.url, { login: alice.login, password: alice.password, certificate: alice.certificate, keyPem: alice.keyPem, challenge });
    await refused(again, 403, 'certificate_rejected', 'bad_signature');
    assert.equal(sessionCount(), before);
  });

  it('a challenge issued for another login is refused (bad_signature)', async () => {
    const challenge = await challengeFor(server.url, bob.login);
    const before = sessionCount();
    const res = await attemptLogin(server.url, { login: alice.login, password: alice.password, certificate: alice.certificate, keyPem: alice.keyPem, challenge });
    await refused(res, 403, 'certificate_rejected', 'bad_signature');
    assert.equal(sessionCount(), before);
  });

  it('a challenge we never issued is refused (bad_signature)', async () => {
    const res = await attemptLogin(server.url, { login: alice.login, password: alice.password, certificate: alice.certificate, keyPem: alice.keyPem, challenge: 'TEKUP_chat login v1 made-up' });
    await refused(res, 403, 'certificate_rejected', 'bad_signature');
  });

  it('garbage instead of a certificate is bad_certificate', async () => {
    const res = await attemptLogin(server.url, { login: alice.login, password: alice.password, certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', keyPem: alice.keyPem });
    await refused(res, 403, 'certificate_rejected', 'bad_certificate');
  });

  it('a missing field is 400 validation naming it', async () => {
    const res = await postJson(`${server.url}/api/v1/session`, { login: alice.login, password: alice.password });
    assert.equal(res.status, 400);
    assert.equal(res.json.error, 'validation');
    assert.deepEqual(Object.keys(res.json.fields).sort(), ['certificate', 'challenge', 'signature']);
  });
});

describe('time: expired and not-yet-valid certificates, expired challenges (injected clock)', () => {
  it('an expired certificate is refused as expired', async () => {
    const day = 86_400_000;
    const s = await startInProcess({ now: new Date(Date.now() - 400 * day) });
    try {
      const u = await enrollUser(s.url, 'old');
      s.clock.now = new Date();
      const res = await attemptLogin(s.url, { login: u.login, password: u.password, certificate: u.certificate, keyPem: u.keyPem });
      await refused(res, 403, 'certificate_rejected', 'expired');
      assert.equal(res.json.notAfter, new x509.X509Certificate(u.certificate).notAfter.toISOString());
      assert.equal(sessionCount(s.dataDir), 0);
    } finally {
      await s.close();
    }
  });

  it('a certificate not valid yet is refused as not_yet_valid', async () => {
    const s = await startInProcess({ now: new Date(Date.now() + 2 * 86_400_000) });
    try {
      const u = await enrollUser(s.url, 'future');
      s.clock.now = new Date();
      const res = await attemptLogin(s.url, { login: u.login, password: u.password, certificate: u.certificate, keyPem: u.keyPem });
      await refused(res, 403, 'certificate_rejected', 'not_yet_valid');
      assert.equal(sessionCount(s.dataDir), 0);
    } finally {
      await s.close();
    }
  });

  it('a challenge older than 2 minutes is refused (bad_signature)', async () => {
    const s = await startInProcess();
    try {
      const u = await enrollUser(s.url, 'slow');
      const challenge = await challengeFor(s.url, u.login);
      s.clock.now = new Date(s.clock.now.getTime() + 121_000);
      const res = await attemptLogin(s.url, { login: u.login, password: u.password, certificate: u.certificate, keyPem: u.keyPem, challenge });
      await refused(res, 403, 'certificate_rejected', 'bad_signature');
      assert.match(res.json.message, /expired/);
      assert.equal(sessionCount(s.dataDir), 0);
    } finally {
      await s.close();
    }
  });
});

/** A JSON POST sent from a chosen loopback source address (the whole 127.0.0.0/8 is ours). */
function postFrom(localAddress: string, url: string, body: string): Promise<{ status: number; retryAfter: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } }, (r) => {
      r.resume();
      r.on('end', () => resolve({ status: r.statusCode!, retryAfter: String(r.headers['retry-after'] ?? '') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('throttling', () => {
  it('challenges for one login are bounded too (3 × the login limit), from any address, and say when to retry', async () => {
    const s = await startServer({ env: { TEKUP_LOGIN_PER_MINUTE: '2' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await postFrom(`127.0.0.${2 + (i % 5)}`, `${s.url}/api/v1/session/challenge`, JSON.stringify({ login: 'someone' }));
        statuses.push(res.status);
        if (res.status === 429) assert.ok(Number(res.retryAfter) >= 1);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429]);
      // another login is not affected
      assert.equal((await postJson(`${s.url}/api/v1/session/challenge`, { login: 'someone-else' })).status, 200);
    } finally {
      await s.stop();
    }
  });

  it('a guesser gets at most 10 tries per minute per login, from any address, then 429 with Retry-After', async () => {
    const s = await startServer({ env: { TEKUP_LOGIN_PER_MINUTE: '10' } });
    try {
      const victim = await enrollUser(s.url, 'victim');
      const statuses: number[] = [];
      let retryAfter = '';
      for (let i = 0; i < 12; i++) {
        const challenge = await challengeFor(s.url, victim.login);
        const body = JSON.stringify({ login: victim.login, password: `guess number ${i}`, certificate: victim.certificate, challenge, signature: signChallenge(victim.keyPem, challenge) });
        // Alternate source addresses on the loopback network.
        const res = await postFrom(`127.0.0.${2 + (i % 5)}`, `${s.url}/api/v1/session`, body);
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.retryAfter;
      }
      assert.deepEqual(statuses, [...Array(10).fill(401), 429, 429]);
      assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60);
    } finally {
      await s.stop();
    }
  });
});

function writeCert(dir: string, pem: string): string {
  const f = join(dir, 'real.pem');
  writeFileSync(f, pem);
  return f;
}

describe("a server clock far from the browser's", () => {
  it('still logs in with a cookie: its life is a Max-Age, not a date the browser would judge by its own clock', async () => {
    const s = await startInProcess({ now: new Date(Date.now() + 500 * 86_400_000) });
    try {
      const u = await enrollUser(s.url, 'farclock');
      const res = await attemptLogin(s.url, { login: u.login, password: u.password, certificate: u.certificate, keyPem: u.keyPem });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.match(res.headers.get('set-cookie')!, /Max-Age=43200(;|$)/);
    } finally {
      await s.close();
    }
  });
});
