// Pre-produced OCSP responses (RFC 6960 §2.5, issue 19): a nonce-less question about one
// certificate is answered with bytes signed ahead — when the certificate was issued, when its
// status changed, and again before they age — and the GET form carries RFC 5019 §6 cache headers.
// Through the real server and `openssl ocsp` (revocations by the admin command line in another
// process), and in this process with the clock moved (the background refresher, the serving path
// with no refresher as the admin command line builds it, renewal superseding a certificate).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicOCSPResponse, OCSPRequest, OCSPResponse, id_pkix_ocsp_nonce } from '@peculiar/asn1-ocsp';
import { startServer, tempDir, type Running } from './helpers/server.ts';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { makeCsr, openssl, writeTemp } from './helpers/openssl.ts';
import { enrollUser, type Enrolled } from './helpers/login.ts';
import { enrollBody } from './helpers/users.ts';
import { admin } from './helpers/admin.ts';
import { createCore, type Core } from '../src/core.ts';
import { loadConfig } from '../src/config.ts';
import { Authority } from '../src/pki/authority.ts';
import { PROFILES } from '../src/pki/profiles.ts';

const MINUTE = 60_000;

/** thisUpdate, nextUpdate, producedAt and the nonce of a DER OCSPResponse with one answer. */
function read(der: Uint8Array) {
  const response = AsnConvert.parse(der, OCSPResponse);
  assert.equal(response.responseStatus, 0, 'successful');
  const basic = AsnConvert.parse(response.responseBytes!.response.buffer, BasicOCSPResponse);
  const data = basic.tbsResponseData;
  assert.equal(data.responses.length, 1);
  const nonce = data.responseExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
  return {
    producedAt: data.producedAt,
    thisUpdate: data.responses[0].thisUpdate,
    nextUpdate: data.responses[0].nextUpdate!,
    nonce: nonce && Buffer.from(nonce.extnValue.buffer),
  };
}

/** A DER OCSPRequest for one certificate, made by openssl (SHA-1 CertID, as it sends by default). */
function request(intermediatePem: string, certPem: string, opts: { nonce?: boolean; sha256?: boolean } = {}): Buffer {
  const dir = tempDir('tekup-ocsp-prep-');
  const inter = join(dir, 'intermediate.pem');
  const cert = join(dir, 'user.pem');
  const out = join(dir, 'req.der');
  writeFileSync(inter, intermediatePem);
  writeFileSync(cert, certPem);
  openssl(['ocsp', '-issuer', inter, ...(opts.sha256 ? ['-sha256'] : []), '-cert', cert, opts.nonce ? '-nonce' : '-no_nonce', '-reqout', out]);
  return readFileSync(out);
}

/** The GET form of RFC 6960 Appendix A.1. */
async function get(url: string, req: Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/ocsp/${encodeURIComponent(req.toString('base64'))}`, { headers });
  return { res, der: Buffer.from(await res.arrayBuffer()) };
}

async function post(url: string, req: Buffer) {
  const res = await fetch(`${url}/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: new Uint8Array(req) });
  return { res, der: Buffer.from(await res.arrayBuffer()) };
}

/** The rows kept for a certificate, read from the database as another process would. */
function storedRows(dataDir: string, serial: string): { der: Buffer; this_update: string; revoked_at: string | null; revocation_reason: string | null }[] {
  const db = new DatabaseSync(join(dataDir, 'tekup.db'), { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    return (db.prepare('SELECT der, this_update, revoked_at, revocation_reason FROM ocsp_responses WHERE serial = ?').all(serial) as any[]).map((r) => ({
      ...r,
      der: Buffer.from(r.der),
    }));
  } finally {
    db.close();
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const etagOf = (der: Uint8Array) => `"${createHash('sha256').update(der).digest('hex')}"`;

/** `openssl ocsp` reads a response file and checks it against the root, as a relying party. */
function verify(der: Uint8Array, files: { root: string; inter: string }, certPem: string, digest: string[] = []): string {
  const resp = join(tempDir('tekup-ocsp-prep-'), 'resp.der');
  writeFileSync(resp, der);
  return openssl(['ocsp', '-respin', resp, '-issuer', files.inter, ...digest, '-cert', writeTemp('user.pem', certPem), '-CAfile', files.root, '-no_nonce']);
}

describe('pre-produced OCSP answers from the real server', () => {
  let server: Running;
  let interPem: string;
  let files: { root: string; inter: string };
  let alice: Enrolled;

  before(async () => {
    server = await startServer();
    interPem = await (await fetch(`${server.url}/ca/intermediate.pem`)).text();
    files = { root: writeTemp('root.pem', await (await fetch(`${server.url}/ca/root.pem`)).text()), inter: writeTemp('intermediate.pem', interPem) };
    alice = await enrollUser(server.url, 'ocspprep');
  });
  after(async () => {
    await server.stop();
  });

  it('signs a certificate’s response once it is issued, before anyone asks, and serves those very bytes to every nonce-less question', async () => {
    const [row] = await waitFor('the response produced ahead', () => storedRows(server.dataDir, alice.serial).length > 0 && storedRows(server.dataDir, alice.serial));
    const req = request(interPem, alice.certificate);
    const first = await get(server.url, req);
    const second = await get(server.url, req);
    const posted = await post(server.url, req);
    // ECDSA signatures are randomized: equal bytes are one signature, made before the first question.
    assert.deepEqual(first.der, row.der);
    assert.deepEqual(second.der, row.der);
    assert.deepEqual(posted.der, row.der);
    assert.equal(read(first.der).producedAt.getTime(), new Date(row.this_update).getTime());
    assert.equal(storedRows(server.dataDir, alice.serial).length, 1, 'the SHA-1 form openssl asks is the one produced ahead');
    assert.match(verify(row.der, files, alice.certificate), /: good\n/);
  });

  it('keeps a SHA-256 form once asked, beside the SHA-1 one, both verified by openssl against the root', async () => {
    const carol = await enrollUser(server.url, 'ocspprepc');
    const [sha1] = await waitFor('the response produced ahead', () => storedRows(server.dataDir, carol.serial).length > 0 && storedRows(server.dataDir, carol.serial));
    assert.match(verify(sha1.der, files, carol.certificate), /: good\n/);
    const sha256 = request(interPem, carol.certificate, { sha256: true });
    const a = await get(server.url, sha256);
    const b = await get(server.url, sha256);
    assert.deepEqual(a.der, b.der);
    assert.match(verify(a.der, files, carol.certificate, ['-sha256']), /: good\n/);
    const rows = storedRows(server.dataDir, carol.serial);
    assert.equal(rows.length, 2);
    assert.ok(rows.some((r) => r.der.equals(a.der)));
  });

  it('answers GET with RFC 5019 §6 cache headers that agree with the response, and 304 to its ETag; POST with no-store', async () => {
    const req = request(interPem, alice.certificate);
    const { res, der } = await get(server.url, req);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/ocsp-response');
    const r = read(der);
    assert.equal(res.headers.get('last-modified'), r.thisUpdate.toUTCString());
    assert.equal(res.headers.get('expires'), r.nextUpdate.toUTCString());
    assert.equal(res.headers.get('etag'), etagOf(der));
    const cc = /^max-age=(\d+), public, no-transform, must-revalidate$/.exec(res.headers.get('cache-control') ?? '');
    assert.ok(cc, res.headers.get('cache-control') ?? 'no cache-control');
    const date = Date.parse(res.headers.get('date')!);
    const left = (r.nextUpdate.getTime() - date) / 1000;
    assert.ok(Number(cc[1]) <= left + 1 && Number(cc[1]) >= left - 5, `max-age ${cc[1]} for ${left} s left`);
    assert.ok(Number(cc[1]) > 0);

    for (const tag of [etagOf(der), `W/${etagOf(der)}`, `"nope", ${etagOf(der)}`]) {
      const again = await get(server.url, req, { 'if-none-match': tag });
      assert.equal(again.res.status, 304, tag);
      assert.equal(again.der.length, 0);
      assert.equal(again.res.headers.get('etag'), etagOf(der));
      assert.match(again.res.headers.get('cache-control')!, /^max-age=\d+, public, no-transform, must-revalidate$/);
      assert.equal(again.res.headers.get('expires'), r.nextUpdate.toUTCString());
    }
    assert.equal((await get(server.url, req, { 'if-none-match': '"other"' })).res.status, 200);

    const posted = await post(server.url, req);
    assert.equal(posted.res.headers.get('cache-control'), 'no-store');
    assert.equal(posted.res.headers.get('etag'), null);
    assert.deepEqual(posted.der, der);
  });

  it('signs a fresh response, echoing the nonce, for a request with one, and tells caches not to keep it; errors too', async () => {
    const req = request(interPem, alice.certificate, { nonce: true });
    const a = await get(server.url, req);
    const b = await get(server.url, req);
    assert.notDeepEqual(a.der, b.der, 'signed for each request');
    const sent = AsnConvert.parse(new Uint8Array(req), OCSPRequest).tbsRequest.requestExtensions!.find((e) => e.extnID === id_pkix_ocsp_nonce)!;
    assert.deepEqual(read(a.der).nonce, Buffer.from(sent.extnValue.buffer));
    for (const h of ['etag', 'expires', 'last-modified']) assert.equal(a.res.headers.get(h), null, h);
    assert.equal(a.res.headers.get('cache-control'), 'no-store');
    assert.match(verify(a.der, files, alice.certificate), /: good\n/);
    const garbage = await fetch(`${server.url}/ocsp/${encodeURIComponent(Buffer.from('garbage').toString('base64'))}`);
    assert.equal(garbage.headers.get('cache-control'), 'no-store');
    assert.equal(garbage.headers.get('etag'), null);
  });

  it('says revoked at once after `admin revoke` in another process, with a new ETag, and keeps that answer', async () => {
    const bob = await enrollUser(server.url, 'ocspprepb');
    const req = request(interPem, bob.certificate);
    const good = await get(server.url, req);
    assert.match(verify(good.der, files, bob.certificate), /: good\n/);
    await admin(['revoke', '--serial', bob.serial, '--reason', 'keyCompromise', '--data', server.dataDir]);
    const now = await get(server.url, req, { 'if-none-match': good.res.headers.get('etag')! });
    assert.equal(now.res.status, 200, 'the old ETag no longer matches');
    assert.notEqual(now.res.headers.get('etag'), good.res.headers.get('etag'));
    assert.match(verify(now.der, files, bob.certificate), /: revoked\n/);
    const rows = await waitFor('the revoked response stored', () => {
      const r = storedRows(server.dataDir, bob.serial);
      return r.length > 0 && r.every((x) => x.revocation_reason === 'keyCompromise') && r;
    });
    assert.deepEqual((await get(server.url, req)).der, rows[0].der);
  });
});

describe('pre-produced OCSP answers with the clock moved', () => {
  const running = new Set<InProcess>();
  const cores = new Set<Core>();
  // One CA for these tests, copied into each one's fresh data directory: making its keys is slow.
  let caDir: string;
  before(async () => {
    caDir = tempDir('tekup-ocsp-prep-ca-');
    await Authority.open(caDir, PROFILES, () => new Date());
  });
  const freshData = () => {
    const dir = tempDir();
    cpSync(join(caDir, 'ca'), join(dir, 'ca'), { recursive: true });
    return dir;
  };
  after(async () => {
    for (const s of running) await s.close();
    for (const c of cores) await c.close();
  });

  it('are signed again by the background refresher before they age, never on the serving path', async () => {
    const s = await startInProcess({ dataDir: freshData() });
    running.add(s);
    const interPem = s.service.ca.intermediate.toString('pem');
    const u = await enrollUser(s.url, 'ocsprefresh');
    const prepared = s.service.ocsp.prepared;
    await waitFor('the response produced ahead', () => storedRows(s.dataDir, u.serial).length > 0);
    const req = request(interPem, u.certificate);
    const signed = prepared.signatures;
    const first = await get(s.url, req);
    const second = await get(s.url, req);
    assert.deepEqual(second.der, first.der);
    assert.equal(prepared.signatures, signed, 'no signature on the serving path');
    const t0 = read(first.der).thisUpdate.getTime();

    // 26 minutes on: the serving path would still serve it (until 30), the refresher signs it now.
    s.clock.now = new Date(s.clock.now.getTime() + 26 * MINUTE);
    const moved = Math.floor(s.clock.now.getTime() / 1000) * 1000;
    await waitFor('the refresh', () => storedRows(s.dataDir, u.serial).every((r) => Date.parse(r.this_update) === moved));
    assert.equal(prepared.signatures, signed + 1);
    const later = await get(s.url, req);
    assert.equal(read(later.der).thisUpdate.getTime(), moved);
    assert.ok(moved > t0);
    assert.equal(later.res.headers.get('last-modified'), new Date(moved).toUTCString());
    assert.match(later.res.headers.get('cache-control')!, /^max-age=(3599|3600), /);
    assert.equal(prepared.signatures, signed + 1, 'still none on the serving path');
  });

  it('are signed, stored and served on the spot when missing or stale where nothing refreshes them (as the admin command line builds the core)', async () => {
    const clock = { now: new Date() };
    const dataDir = freshData();
    const config = loadConfig(['--no-tls', '--quiet', '--port', '0', '--data', dataDir], {});
    const core = await createCore({ config, log: () => {}, now: () => clock.now, server: false });
    cores.add(core);
    const { body } = enrollBody('ocspspot', makeCsr());
    const answer = await core.enrollment.enroll(body);
    const req = request(core.ca.intermediate.toString('pem'), answer.certificate);
    await new Promise((r) => setTimeout(r, 1_500)); // a refresher would have produced it by now
    assert.deepEqual(storedRows(dataDir, answer.serial), []);
    const prepared = core.ocsp.prepared;
    assert.equal(prepared.signatures, 0);

    const a = await core.ocsp.answer(req);
    assert.ok(a.prepared);
    assert.equal(prepared.signatures, 1);
    assert.deepEqual(storedRows(dataDir, answer.serial)[0].der, Buffer.from(a.der));
    assert.deepEqual((await core.ocsp.answer(req)).der, a.der);
    assert.equal(prepared.signatures, 1);

    clock.now = new Date(clock.now.getTime() + 31 * MINUTE); // past half its hour: stale
    const b = await core.ocsp.answer(req);
    assert.equal(prepared.signatures, 2);
    assert.notDeepEqual(b.der, a.der);
    assert.equal(b.prepared!.thisUpdate.getTime(), Math.floor(clock.now.getTime() / 1000) * 1000);
    assert.equal(b.prepared!.maxAge, 3600 - (clock.now.getTime() % 1000 > 0 ? 1 : 0));
    assert.deepEqual(storedRows(dataDir, answer.serial)[0].der, Buffer.from(b.der));

    await core.certificateChanges.revokeByOperator({ serial: answer.serial }, 'privilegeWithdrawn');
    const c = await core.ocsp.answer(req);
    assert.equal(prepared.signatures, 3);
    assert.equal(storedRows(dataDir, answer.serial)[0].revocation_reason, 'privilegeWithdrawn');
    assert.notEqual(c.prepared!.etag, b.prepared!.etag);
  });

  it('follow a renewal: the superseded certificate’s answer turns revoked, the new one is produced ahead', async () => {
    const s = await startInProcess({ dataDir: freshData() });
    running.add(s);
    const u = await enrollUser(s.url, 'ocsprenew');
    await waitFor('the first response', () => storedRows(s.dataDir, u.serial).length > 0);
    const renewed = await s.service.lifecycle.renew(u.login, u.serial, makeCsr().csr);
    const old = await waitFor('the superseded answer', () => {
      const r = storedRows(s.dataDir, u.serial);
      return r.length > 0 && r[0].revocation_reason === 'superseded' && r;
    });
    assert.ok(old[0].revoked_at);
    await waitFor('the new certificate’s answer', () => storedRows(s.dataDir, renewed.serial).length > 0);
    const interPem = s.service.ca.intermediate.toString('pem');
    const { der } = await get(s.url, request(interPem, renewed.certificate));
    assert.deepEqual(der, storedRows(s.dataDir, renewed.serial)[0].der);
  });
});
