// Protocol §1 `POST /ocsp` (RFC 6960) through the real server and `openssl ocsp`: good, revoked
// (revoked by the admin command line while the server runs, with time and reason) and unknown
// (foreign or never-issued serials), the nonce echoed, SHA-256 CertIDs, the GET form, and an
// OCSPResponse — never a 5xx — for garbage; every response signed by the delegated P-256 responder
// certificate the intermediate issued (its renewal: test/ocsp-signer.test.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { startServer, tempDir, type Running } from './helpers/server.ts';
import { openssl, writeTemp } from './helpers/openssl.ts';
import { enrollUser, type Enrolled } from './helpers/login.ts';
import { admin } from './helpers/admin.ts';
import { x509 } from '../src/pki/x509.ts';

let server: Running;
let rootFile: string;
let interFile: string;
let good: Enrolled;
let lost: Enrolled;

before(async () => {
  server = await startServer();
  rootFile = writeTemp('root.pem', await (await fetch(`${server.url}/ca/root.pem`)).text());
  interFile = writeTemp('intermediate.pem', await (await fetch(`${server.url}/ca/intermediate.pem`)).text());
  good = await enrollUser(server.url, 'ocspgood');
  lost = await enrollUser(server.url, 'ocsplost');
  await admin(['revoke', '--login', lost.login, '--reason', 'keyCompromise', '--data', server.dataDir]);
});
after(async () => {
  await server.stop();
});

const certFile = (u: Enrolled) => writeTemp('user.pem', u.certificate);

/** `openssl ocsp` against our responder, verifying the response against the root; all its output. */
function ask(args: string[]): { code: number | null; out: string } {
  const r = spawnSync('openssl', ['ocsp', '-issuer', interFile, ...args, '-url', `${server.url}/ocsp`, '-CAfile', rootFile, '-resp_text'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** A CA made by openssl with our intermediate's exact name, and a certificate it issued: a pirate's. */
function foreignCertificate(): { caFile: string; certFile: string } {
  const dir = tempDir('tekup-foreign-');
  const caKey = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.pem');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-subj', '/CN=TEKUP_chat Issuing CA 1/O=TEKUP_chat', '-days', '30', '-out', caFile]);
  const key = join(dir, 'user.key');
  const csr = join(dir, 'user.csr');
  const cert = join(dir, 'user.pem');
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-subj', `/UID=${good.login}/CN=Amira Ben Salah/O=TEKUP_chat`, '-out', csr]);
  openssl(['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-days', '10', '-out', cert]);
  return { caFile, certFile: cert };
}

describe('openssl ocsp', () => {
  it('reports good for a valid certificate, with a verified signature from our responder and our nonce echoed', () => {
    const dir = tempDir('tekup-ocsp-');
    const reqFile = join(dir, 'req.der');
    const { code, out } = ask(['-cert', certFile(good), '-reqout', reqFile]);
    assert.equal(code, 0, out);
    assert.match(out, /Response verify OK/);
    assert.match(out, /user\.pem: good\n/);
    assert.match(out, /OCSP Response Status: successful \(0x0\)/);
    assert.match(out, /^ {4}Signature Algorithm: ecdsa-with-SHA256\n/m); // the response's own, not its certificate's
    assert.match(out, /This Update: .+\n\s+Next Update: .+\n/);
    assert.doesNotMatch(out, /WARNING/); // openssl warns when the response lacks its nonce
    // the nonce in the response is the one openssl put in its request
    const reqText = openssl(['ocsp', '-reqin', reqFile, '-req_text']);
    const nonce = (text: string) => /OCSP Nonce: \n\s+([0-9A-F]+)/.exec(text)?.[1];
    assert.ok(nonce(reqText), reqText);
    assert.equal(nonce(out), nonce(reqText));
    // the responder is named by its key hash (its SKI), and its certificate, from the intermediate, is included
    const id = /Responder Id: ([0-9A-F]{40})\n/.exec(out)?.[1];
    assert.ok(id, out);
    assert.equal(/Subject Key Identifier: \n\s+([0-9A-F:]+)\n/.exec(out)?.[1].replace(/:/g, ''), id);
    assert.match(out, /Issuer: CN=TEKUP_chat Issuing CA 1, O=TEKUP_chat\n/);
    assert.match(out, /Subject: CN=TEKUP_chat OCSP responder, O=TEKUP_chat\n/);
  });

  it('signs with a delegated responder certificate (RFC 6960 §4.2.2.2): P-256, OCSP Signing, OCSP No Check, 7 days, key file mode 0600', () => {
    const { code, out } = ask(['-cert', certFile(good)]);
    assert.equal(code, 0, out);
    assert.match(out, /Response verify OK/);
    assert.match(out, /Public Key Algorithm: id-ecPublicKey\n\s+Public-Key: \(256 bit\)[\s\S]*NIST CURVE: P-256\n/);
    assert.match(out, /X509v3 Basic Constraints: critical\n\s+CA:FALSE\n/);
    assert.match(out, /X509v3 Key Usage: critical\n\s+Digital Signature\n/);
    assert.match(out, /X509v3 Extended Key Usage: \n\s+OCSP Signing\n/);
    assert.match(out, /OCSP No Check: \n/);
    assert.match(out, /X509v3 Authority Key Identifier: \n/);
    // exactly one certificate, the responder's: the relying party already has the issuer
    assert.equal(out.match(/-----BEGIN CERTIFICATE-----/g)?.length, 1);
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(out)![0];
    const responder = new x509.X509Certificate(pem);
    assert.equal(responder.notAfter.getTime() - responder.notBefore.getTime(), 7 * 86_400_000);
    assert.ok(responder.notBefore.getTime() <= Date.now() && Date.now() < responder.notAfter.getTime());
    // the same certificate the server keeps next to the CA keys, its key readable by the owner only
    const ca = join(server.dataDir, 'ca');
    assert.equal(readFileSync(join(ca, 'ocsp-responder.pem'), 'utf8').trim(), pem.trim());
    assert.equal(statSync(join(ca, 'ocsp-responder.key')).mode & 0o777, 0o600);
    assert.match(readFileSync(join(ca, 'ocsp-responder.key'), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    // and its issuance is in the server's log, the CA's record of it
    const issued = server.output().split('\n').filter((l) => l.includes('"ocsp responder certificate issued"')).map((l) => JSON.parse(l));
    assert.deepEqual(issued.map((e) => [e.serial, e.notAfter]), [[responder.serialNumber, responder.notAfter.toISOString()]]);
  });

  it('reports revoked with the time and reason given to the admin command', () => {
    const { code, out } = ask(['-cert', certFile(lost)]);
    assert.equal(code, 0, out);
    assert.match(out, /Response verify OK/);
    assert.match(out, /user\.pem: revoked\n[\s\S]*Reason: keyCompromise\n\s+Revocation Time: .+ GMT/);
  });

  it('answers SHA-256 CertIDs, and several certificates in one request', () => {
    const { code, out } = ask(['-sha256', '-cert', certFile(good), '-cert', certFile(lost)]);
    assert.equal(code, 0, out);
    assert.match(out, /Response verify OK/);
    assert.match(out, /Hash Algorithm: sha256/);
    assert.match(out, /user\.pem: good\n[\s\S]*user\.pem: revoked\n/);
  });

  it('never says good for a certificate from another CA with the same issuer name, nor for a serial we never issued', () => {
    const pirate = foreignCertificate();
    const asOurs = ask(['-cert', pirate.certFile]);
    assert.match(asOurs.out, /user\.pem: unknown\n/);
    assert.match(asOurs.out, /Response verify OK/);
    // asked with the pirate CA as issuer: its key hash is not ours
    const r = spawnSync('openssl', ['ocsp', '-issuer', pirate.caFile, '-cert', pirate.certFile, '-url', `${server.url}/ocsp`, '-CAfile', rootFile], {
      encoding: 'utf8',
    });
    assert.match(r.stdout, /user\.pem: unknown\n/);
    assert.doesNotMatch(r.stdout, /: good/);
    const serial = ask(['-serial', '0x1234abcd']);
    assert.match(serial.out, /0x1234abcd: unknown\n/);
  });

  it('says unknown for a serial still pending (a registration not yet complete)', () => {
    const serial = '7e57000000000000000000000000beef';
    const db = new DatabaseSync(join(server.dataDir, 'tekup.db'));
    try {
      db.exec('PRAGMA busy_timeout = 5000');
      db.prepare(
        `INSERT INTO certificates (serial, login, fingerprint, der, not_before, not_after, issued_at, state)
         VALUES (?, 'pendinguser', ?, x'00', '2020-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', 'pending')`,
      ).run(serial, 'f'.repeat(64));
    } finally {
      db.close();
    }
    const { out } = ask(['-serial', `0x${serial}`]);
    assert.match(out, new RegExp(`0x${serial}: unknown\\n`));
  });

  it('sees a revocation made while the server runs at once, even for a repeated nonce-less question', async () => {
    const u = await enrollUser(server.url, 'ocspnow');
    const dir = tempDir('tekup-ocsp-');
    const req = join(dir, 'req.der');
    openssl(['ocsp', '-issuer', interFile, '-cert', certFile(u), '-no_nonce', '-reqout', req]);
    const post = async () => {
      const res = await fetch(`${server.url}/ocsp`, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request' },
        body: readFileSync(req),
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/ocsp-response');
      const der = Buffer.from(await res.arrayBuffer());
      const file = join(dir, 'resp.der');
      writeFileSync(file, der);
      return { der, text: openssl(['ocsp', '-respin', file, '-issuer', interFile, '-cert', certFile(u), '-CAfile', rootFile, '-no_nonce']) };
    };
    const first = await post();
    assert.match(first.text, /user\.pem: good\n/);
    const again = await post();
    assert.match(again.text, /user\.pem: good\n/);
    assert.deepEqual(again.der, first.der, 'the same answer to the same nonce-less question is reused, not signed again');
    await admin(['revoke', '--serial', u.serial, '--reason', 'affiliationChanged', '--data', server.dataDir]);
    assert.match((await post()).text, /user\.pem: revoked\n[\s\S]*Reason: affiliationChanged/);
  });
});

describe('the HTTP edges of /ocsp', () => {
  it('answers the GET form of RFC 6960 Appendix A.1 (URL-encoded base64 of the DER request)', async () => {
    const dir = tempDir('tekup-ocsp-');
    const req = join(dir, 'req.der');
    const respFile = join(dir, 'resp.der');
    openssl(['ocsp', '-issuer', interFile, '-cert', certFile(lost), '-no_nonce', '-reqout', req]);
    const b64 = readFileSync(req).toString('base64');
    for (const path of [encodeURIComponent(b64), b64.replace(/\+/g, '-').replace(/\//g, '_')]) {
      const res = await fetch(`${server.url}/ocsp/${path}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/ocsp-response');
      writeFileSync(respFile, Buffer.from(await res.arrayBuffer()));
      const out = openssl(['ocsp', '-respin', respFile, '-issuer', interFile, '-cert', certFile(lost), '-CAfile', rootFile, '-no_nonce']);
      assert.match(out, /user\.pem: revoked\n/);
    }
  });

  it('answers garbage, an empty body and a bad GET path with an OCSPResponse "malformedRequest", never a 5xx', async () => {
    const malformed = Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]); // OCSPResponse { responseStatus malformedRequest(1) }
    const answers = [
      await fetch(`${server.url}/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: 'garbage' }),
      await fetch(`${server.url}/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: new Uint8Array() }),
      // valid DER, wrong structure: a certificate where a request belongs
      await fetch(`${server.url}/ocsp`, {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request' },
        body: Buffer.from(good.certificate.replace(/-----[^-]+-----|\s/g, ''), 'base64'),
      }),
      await fetch(`${server.url}/ocsp/not*base64`),
      await fetch(`${server.url}/ocsp/${encodeURIComponent(Buffer.from('garbage').toString('base64'))}`),
    ];
    for (const res of answers) {
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/ocsp-response');
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), malformed);
    }
    const file = writeTemp('resp.der', malformed.toString('latin1'));
    const r = spawnSync('openssl', ['ocsp', '-respin', file, '-resp_text', '-noverify'], { encoding: 'utf8' });
    assert.match(r.stdout + r.stderr, /malformedrequest/i);
  });
});
