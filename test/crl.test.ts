// Protocol §1 `GET /ca/crl` through the real server and openssl's own `crl` and `verify`: signed by
// the intermediate, numbered, listing each serial revoked by the admin command line (another
// process, while the server runs) with its reason, and numbered higher after every revocation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir, type Running } from './helpers/server.ts';
import { openssl, writeTemp } from './helpers/openssl.ts';
import { enrollUser, type Enrolled } from './helpers/login.ts';
import { admin } from './helpers/admin.ts';
import { startInProcess } from './helpers/inprocess.ts';

let server: Running;
let rootFile: string;
let chainFile: string;

before(async () => {
  server = await startServer();
  rootFile = writeTemp('root.pem', await (await fetch(`${server.url}/ca/root.pem`)).text());
  chainFile = writeTemp('chain.pem', await (await fetch(`${server.url}/ca/chain.pem`)).text());
});
after(async () => {
  await server.stop();
});

interface Fetched {
  der: Buffer;
  file: string;
  text: string;
  number: number;
}

/** Fetches the CRL, has openssl verify its signature against the chain, and reads it back. */
async function fetchCrl(url = server.url): Promise<Fetched> {
  const res = await fetch(`${url}/ca/crl`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pkix-crl');
  const der = Buffer.from(await res.arrayBuffer());
  const file = join(tempDir('tekup-crl-'), 'crl.der');
  writeFileSync(file, der);
  const r = spawnSync('openssl', ['crl', '-inform', 'DER', '-in', file, '-CAfile', chainFile, '-verify', '-noout', '-text'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr + r.stdout, /verify OK/);
  const number = /X509v3 CRL Number: \n\s+(\d+)/.exec(r.stdout);
  assert.ok(number, r.stdout);
  return { der, file, text: r.stdout, number: Number(number[1]) };
}

/** The CRL's entry for a serial as openssl prints it (uppercase hex), up to the next entry. */
function entry(text: string, serial: string): string | undefined {
  const m = new RegExp(`Serial Number: ${serial.toUpperCase()}\\n([\\s\\S]*?)(?=\\n\\s+Serial Number:|\\n\\s+Signature Algorithm)`).exec(text);
  return m?.[1];
}

/** A relying party's check: `openssl verify -crl_check` against the chain and a CRL (PEM file). */
function verifyWithCrl(u: Enrolled, crlPemFile: string): { ok: boolean; out: string } {
  const certFile = writeTemp('user.pem', u.certificate);
  const r = spawnSync('openssl', ['verify', '-crl_check', '-CAfile', rootFile, '-untrusted', chainFile, '-CRLfile', crlPemFile, certFile], {
    encoding: 'utf8',
  });
  return { ok: r.status === 0, out: r.stdout + r.stderr };
}

describe('the CRL', () => {
  it('is a v2 CRL from the intermediate with AKI, CRL number, and nextUpdate crl.hours (24) after thisUpdate', async () => {
    const crl = await fetchCrl();
    assert.match(crl.text, /Version 2 \(0x1\)/);
    assert.match(crl.text, /Signature Algorithm: sha256WithRSAEncryption/);
    assert.match(crl.text, /Issuer: CN = TEKUP_chat Issuing CA 1, O = TEKUP_chat/);
    const inter = openssl(['x509', '-in', chainFile, '-noout', '-text']);
    const ski = /Subject Key Identifier: \n\s+(\S+)/.exec(inter)![1];
    assert.match(crl.text, new RegExp(`Authority Key Identifier: \\n\\s+(keyid:)?${ski}`));
    const last = Date.parse(/Last Update: (.+)\n/.exec(crl.text)![1]);
    const next = Date.parse(/Next Update: (.+)\n/.exec(crl.text)![1]);
    assert.equal(next - last, 24 * 3_600_000);
    assert.ok(Math.abs(last - Date.now()) < 10 * 60_000, 'thisUpdate is about now');
  });

  it('is reused while nothing is revoked (same number, same bytes), and offered as PEM too', async () => {
    const a = await fetchCrl();
    const b = await fetchCrl();
    assert.equal(b.number, a.number);
    assert.deepEqual(b.der, a.der);
    const pem = await fetch(`${server.url}/ca/crl.pem`);
    assert.equal(pem.status, 200);
    const pemText = await pem.text();
    assert.match(pemText, /^-----BEGIN X509 CRL-----\n/);
    const pemFile = writeTemp('crl.pem', pemText);
    const der = spawnSync('openssl', ['crl', '-in', pemFile, '-outform', 'DER'], { encoding: 'buffer' }).stdout;
    assert.deepEqual(der, a.der);
  });

  it('lists each serial the admin command revokes, with its reason, under a higher CRL number every time', async () => {
    const alice = await enrollUser(server.url, 'crlalice');
    const bob = await enrollUser(server.url, 'crlbob');
    const carol = await enrollUser(server.url, 'crlcarol');
    const before = await fetchCrl();
    assert.equal(entry(before.text, alice.serial), undefined);

    await admin(['revoke', '--login', alice.login, '--reason', 'keyCompromise', '--data', server.dataDir]);
    const first = await fetchCrl();
    assert.ok(first.number > before.number, `${first.number} > ${before.number}`);
    assert.match(entry(first.text, alice.serial) ?? '', /Revocation Date: .+\n[\s\S]*CRL Reason Code: \n\s+Key Compromise/);
    assert.equal(entry(first.text, bob.serial), undefined);

    await admin(['revoke', '--serial', bob.serial, '--reason', 'cessationOfOperation', '--data', server.dataDir]);
    const second = await fetchCrl();
    assert.ok(second.number > first.number, `${second.number} > ${first.number}`);
    assert.match(entry(second.text, alice.serial) ?? '', /Key Compromise/);
    assert.match(entry(second.text, bob.serial) ?? '', /Cessation Of Operation/);

    // no reason given: "unspecified", written out (see src/pki/crl.ts)
    await admin(['revoke', '--serial', carol.serial, '--data', server.dataDir]);
    const third = await fetchCrl();
    assert.ok(third.number > second.number);
    assert.match(entry(third.text, carol.serial) ?? '', /Unspecified/);
  });

  it('makes openssl verify -crl_check refuse a revoked certificate and accept a valid one', async () => {
    const kept = await enrollUser(server.url, 'crlkept');
    const lost = await enrollUser(server.url, 'crllost');
    await admin(['revoke', '--login', lost.login, '--reason', 'keyCompromise', '--data', server.dataDir]);
    const pemFile = writeTemp('crl.pem', await (await fetch(`${server.url}/ca/crl.pem`)).text());
    const good = verifyWithCrl(kept, pemFile);
    assert.ok(good.ok, good.out);
    const bad = verifyWithCrl(lost, pemFile);
    assert.ok(!bad.ok);
    assert.match(bad.out, /certificate revoked/);
  });

  it('keeps its number growing across a restart on the same data directory', async () => {
    const last = await fetchCrl();
    await server.stop();
    server = await startServer({ dataDir: server.dataDir });
    const next = await fetchCrl();
    assert.ok(next.number > last.number, `${next.number} > ${last.number}`);
    assert.equal(next.text.match(/Serial Number:/g)?.length, last.text.match(/Serial Number:/g)?.length);
  });

  it('is made again, with a new number, once half of its validity has passed (injected clock, no sleeping)', async () => {
    const inproc = await startInProcess({ now: new Date('2030-01-01T00:00:00.000Z') });
    try {
      const chain = writeTemp('chain.pem', await (await fetch(`${inproc.url}/ca/chain.pem`)).text());
      const read = async () => {
        const file = join(tempDir('tekup-crl-'), 'crl.der');
        writeFileSync(file, Buffer.from(await (await fetch(`${inproc.url}/ca/crl`)).arrayBuffer()));
        const text = openssl(['crl', '-inform', 'DER', '-in', file, '-CAfile', chain, '-verify', '-noout', '-text']);
        return { number: Number(/CRL Number: \n\s+(\d+)/.exec(text)![1]), last: Date.parse(/Last Update: (.+)\n/.exec(text)![1]) };
      };
      const first = await read();
      assert.equal(first.last, Date.parse('2030-01-01T00:00:00Z'));
      inproc.clock.now = new Date('2030-01-01T11:59:00.000Z');
      assert.deepEqual(await read(), first);
      inproc.clock.now = new Date('2030-01-01T12:00:01.000Z');
      const second = await read();
      assert.ok(second.number > first.number);
      assert.equal(second.last, Date.parse('2030-01-01T12:00:01Z'));
    } finally {
      await inproc.close();
    }
  });
});
