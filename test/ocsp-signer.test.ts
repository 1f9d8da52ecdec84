// The delegated OCSP responder certificate (src/pki/ocsp-signer.ts) across restarts and time, with
// the service in this process and its clock moved: kept while it has more than half its 7 days
// left, replaced (with a new key) past that point — at start or by the first response signed after
// — and never reused when it is not the current intermediate's or its key is not the certificate's.
// Every new certificate is checked the way a relying party would: `openssl ocsp` against the root.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicOCSPResponse, OCSPResponse } from '@peculiar/asn1-ocsp';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { openssl } from './helpers/openssl.ts';
import { tempDir } from './helpers/server.ts';
import { x509 } from '../src/pki/x509.ts';

const DAY = 86_400_000;
const running = new Set<InProcess>();
after(async () => {
  for (const s of running) await s.close();
});

async function start(opts: { now?: Date; dataDir?: string } = {}): Promise<InProcess> {
  const s = await startInProcess(opts);
  running.add(s);
  return s;
}
async function stop(s: InProcess): Promise<void> {
  running.delete(s);
  await s.close();
}

const files = (s: InProcess) => ({ key: join(s.dataDir, 'ca', 'ocsp-responder.key'), cert: join(s.dataDir, 'ca', 'ocsp-responder.pem') });

/** One OCSP answer (a fresh nonce each time, so never a reused response) and the responder certificate in it. */
async function ask(s: InProcess): Promise<{ file: string; responder: x509.X509Certificate }> {
  const dir = tempDir('tekup-ocsp-signer-');
  const inter = join(dir, 'intermediate.pem');
  writeFileSync(inter, s.service.ca.intermediate.toString('pem'));
  const req = join(dir, 'req.der');
  openssl(['ocsp', '-issuer', inter, '-serial', '0x1234', '-nonce', '-reqout', req]);
  const res = await fetch(`${s.url}/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: readFileSync(req) });
  assert.equal(res.status, 200);
  const der = Buffer.from(await res.arrayBuffer());
  const file = join(dir, 'resp.der');
  writeFileSync(file, der);
  const response = AsnConvert.parse(der, OCSPResponse);
  assert.equal(response.responseStatus, 0, 'successful');
  const basic = AsnConvert.parse(response.responseBytes!.response.buffer, BasicOCSPResponse);
  assert.equal(basic.certs?.length, 1);
  return { file, responder: new x509.X509Certificate(AsnConvert.serialize(basic.certs[0])) };
}

/** `openssl ocsp` checks the response against the root alone, as of the real time. */
function verified(s: InProcess, respFile: string): string {
  const dir = tempDir('tekup-ocsp-signer-');
  const root = join(dir, 'root.pem');
  const inter = join(dir, 'intermediate.pem');
  writeFileSync(root, s.service.ca.root.toString('pem'));
  writeFileSync(inter, s.service.ca.intermediate.toString('pem'));
  const r = spawnSync('openssl', ['ocsp', '-respin', respFile, '-issuer', inter, '-serial', '0x1234', '-CAfile', root, '-no_nonce'], {
    encoding: 'utf8',
  });
  const out = r.stdout + r.stderr; // the verdict is on stderr
  assert.match(out, /0x1234: unknown\n/);
  return out;
}

describe('the delegated OCSP responder certificate', () => {
  it('is kept, with its key, across a restart on the same data directory', async () => {
    const first = await start();
    const before = await ask(first);
    const key = readFileSync(files(first).key);
    await stop(first);
    const second = await start({ dataDir: first.dataDir });
    const now = await ask(second);
    assert.equal(now.responder.serialNumber, before.responder.serialNumber);
    assert.deepEqual(readFileSync(files(second).key), key);
    await stop(second);
  });

  it('is replaced, with a new key, by a start past its renewal point; a key that is not the certificate’s is never used', async () => {
    const longAgo = new Date(Date.now() - 4 * DAY); // more than half of 7 days ago
    const first = await start({ now: longAgo });
    const old = await ask(first);
    const oldKey = readFileSync(files(first).key);
    await stop(first);

    const second = await start({ dataDir: first.dataDir });
    const renewed = await ask(second);
    assert.notEqual(renewed.responder.serialNumber, old.responder.serialNumber);
    assert.notDeepEqual(readFileSync(files(second).key), oldKey);
    assert.ok(Math.abs(renewed.responder.notBefore.getTime() - Date.now()) < 5 * 60_000);
    assert.match(verified(second, renewed.file), /Response verify OK/);
    await stop(second);

    // a pair torn apart (the old key beside the new certificate, as a crash between the two writes
    // might leave it): replaced at the next start rather than signing with a key nobody can verify
    writeFileSync(files(second).key, oldKey);
    const third = await start({ dataDir: first.dataDir });
    const repaired = await ask(third);
    assert.notEqual(repaired.responder.serialNumber, renewed.responder.serialNumber);
    assert.match(verified(third, repaired.file), /Response verify OK/);
    await stop(third);
  });

  it('is replaced while running by the first response past its renewal point, once, with no response failing', async () => {
    const s = await start({ now: new Date(Date.now() - 4 * DAY) });
    const old = (await ask(s)).responder;
    s.clock.now = new Date();
    const answers = await Promise.all(Array.from({ length: 8 }, () => ask(s)));
    const serials = new Set(answers.map((a) => a.responder.serialNumber));
    serials.delete(old.serialNumber); // answers signed while the new one was being made may use the old one, still valid
    assert.equal(serials.size, 1, 'exactly one new certificate, however many responses saw the renewal point');
    const [renewed] = serials;
    const next = await ask(s);
    assert.equal(next.responder.serialNumber, renewed);
    assert.equal(new x509.X509Certificate(readFileSync(files(s).cert, 'utf8')).serialNumber, renewed);
    assert.match(verified(s, next.file), /Response verify OK/);
    await stop(s);
  });

  it('is not reused when another intermediate issued it (the data directory got another CA)', async () => {
    const other = await start();
    const foreign = await ask(other);
    await stop(other);
    const s = await start();
    const own = await ask(s);
    await stop(s);
    copyFileSync(files(other).key, files(s).key);
    copyFileSync(files(other).cert, files(s).cert);
    const again = await start({ dataDir: s.dataDir });
    const now = await ask(again);
    assert.notEqual(now.responder.serialNumber, foreign.responder.serialNumber);
    assert.notEqual(now.responder.serialNumber, own.responder.serialNumber);
    assert.equal(now.responder.issuer, again.service.ca.intermediate.subject);
    assert.match(verified(again, now.file), /Response verify OK/);
    await stop(again);
  });
});
