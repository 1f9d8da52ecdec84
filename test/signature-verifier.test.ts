// The signature verifier (src/store/signature-verifier.ts) checks envelopes' RSA-PSS signatures on
// a thread of its own for the PostgreSQL message store. What must hold: true only for a signature
// over exactly the text, by the certificate's key; anything unreadable is false, never an error;
// every job of a turn is answered as its own; closing answers what was submitted, then refuses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, constants, createPrivateKey, sign } from 'node:crypto';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { SignatureVerifier, type VerifyJob } from '../src/store/signature-verifier.ts';
import { openssl } from './helpers/openssl.ts';
import { tempDir } from './helpers/server.ts';

function signer(cn: string) {
  const dir = tempDir('tekup-verifier-key-');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-subj', `/CN=${cn}`, '-days', '1', '-out', join(dir, 'c.pem')]);
  const key = createPrivateKey(readFileSync(join(dir, 'k.pem')));
  const cert = new X509Certificate(readFileSync(join(dir, 'c.pem')));
  return (text: string): VerifyJob => ({
    text,
    sig: sign('sha256', Buffer.from(text), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64'),
    serial: cert.serialNumber.toLowerCase(),
    der: new Uint8Array(cert.raw),
  });
}

describe('the signature verifier', () => {
  const alice = signer('alice');
  const bob = signer('bob');

  it('holds only a signature over exactly the text by the certificate’s key, and says false to anything unreadable', async () => {
    const v = new SignatureVerifier();
    try {
      const good = alice('{"a":1}');
      const answers = await Promise.all([
        v.verify(good),
        v.verify({ ...good, text: '{"a":2}' }), // other bytes
        v.verify({ ...good, der: bob('x').der, serial: bob('x').serial }), // another key
        v.verify({ ...good, sig: Buffer.alloc(300).toString('base64') }), // longer than the modulus
        v.verify({ ...good, sig: 'not base64 at all' }),
        v.verify({ ...good, der: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), serial: 'ff' }), // not a certificate
        v.verify(bob('{"b":1}')),
      ]);
      assert.deepEqual(answers, [true, false, false, false, false, false, true]);
    } finally {
      await v.close();
    }
  });

  it('answers each of many jobs of one turn as its own, across turns too', async () => {
    const v = new SignatureVerifier();
    try {
      const jobs = Array.from({ length: 60 }, (_, i) => (i % 3 === 2 ? { ...alice(`m${i}`), text: `forged ${i}` } : (i % 2 ? bob : alice)(`m${i}`)));
      const first = await Promise.all(jobs.slice(0, 30).map((j) => v.verify(j)));
      const later = await Promise.all(jobs.slice(30).map((j) => v.verify(j)));
      assert.deepEqual([...first, ...later], jobs.map((_, i) => i % 3 !== 2));
    } finally {
      await v.close();
    }
  });

  it('closing answers what was submitted, then refuses', async () => {
    const v = new SignatureVerifier();
    const pending = [v.verify(alice('one')), v.verify(alice('two'))];
    await v.close();
    assert.deepEqual(await Promise.all(pending), [true, true]);
    await assert.rejects(v.verify(alice('three')), /closed/);
  });
});
