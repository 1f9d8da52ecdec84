// The CSR check (src/pki/csr.ts) against requests signed by the openssl CLI in every way it offers
// for an RSA key: the signature is checked by node:crypto on the bytes as received, so each
// algorithm the check names must verify, and a change to any signed byte must not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkCsr } from '../src/pki/csr.ts';
import { DomainError } from '../src/protocol/errors.ts';
import { keyHash } from '../src/pki/x509.ts';
import { makeCsr, openssl } from './helpers/openssl.ts';

const { keyFile } = makeCsr();
const request = (...sigArgs: string[]) => openssl(['req', '-new', '-key', keyFile, '-subj', '/CN=anything', ...sigArgs]);
const badCsr = (pattern: RegExp) => (err: unknown) => err instanceof DomainError && err.code === 'bad_csr' && pattern.test(err.message);

describe('the CSR check', () => {
  it('verifies PKCS #1 v1.5 signatures over SHA-1, SHA-224, SHA-256, SHA-384 and SHA-512, and PSS over the same hash', async () => {
    const spki = new Uint8Array(Buffer.from(pemBody(openssl(['pkey', '-in', keyFile, '-pubout'])), 'base64'));
    for (const args of [
      ['-sha1'],
      ['-sha224'],
      ['-sha256'],
      ['-sha384'],
      ['-sha512'],
      ['-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'],
      ['-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:0'],
      ['-sha512', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:-1'],
      ['-sha384', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:-2'],
    ]) {
      const { key, ignored } = await checkCsr(request(...args), undefined, 2048);
      // The key as openssl writes its SubjectPublicKeyInfo, and the hash the records look it up by.
      assert.deepEqual(key.spki, spki, args.join(' '));
      assert.equal(key.hash, keyHash(spki));
      assert.deepEqual(ignored, []);
    }
  });

  it('refuses by name a PSS signature whose mask uses another hash, which it does not check', async () => {
    const pem = request('-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_mgf1_md:sha1');
    openssl(['req', '-in', '-', '-verify', '-noout'], pem); // a good signature, for openssl
    await assert.rejects(checkCsr(pem, undefined, 2048), badCsr(/algorithm this server does not check \(1\.2\.840\.113549\.1\.1\.10\)/));
  });

  it('refuses a request whose signed part or signature was changed by one bit, under every algorithm', async () => {
    for (const args of [['-sha256'], ['-sha512', '-sigopt', 'rsa_padding_mode:pss']]) {
      const der = Buffer.from(pemBody(request(...args)), 'base64');
      // The subject's "anything" sits in the signed part; the signature's last byte closes the request.
      for (const at of [der.indexOf('anything'), der.length - 1]) {
        const bent = Buffer.from(der);
        bent[at] ^= 0x01;
        await assert.rejects(checkCsr(pem(bent), undefined, 2048), badCsr(/self-signature does not verify/), `${args.join(' ')} at ${at}`);
      }
    }
  });

  it('names what the request held that is not the applicant: the subject, not the signature, decides', async () => {
    const who = { login: 'amira', firstName: 'Amira', lastName: 'Ben Salah', email: 'amira@example.org' };
    const { ignored } = await checkCsr(request('-sha384', '-sigopt', 'rsa_padding_mode:pss'), who, 2048);
    assert.deepEqual(ignored, ['subject CN=anything']);
  });
});

function pemBody(text: string): string {
  return text.replace(/-----[^-]+-----|\s+/g, '');
}

function pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`;
}
