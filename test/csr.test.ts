// The CSR check (src/pki/csr.ts) against requests signed by the openssl CLI in every way it offers
// for an RSA key: the signature is checked by node:crypto on the bytes as received, so each
// algorithm the check names must verify, and a change to any signed byte must not.
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { checkCsr } from '../src/pki/csr.ts';
import { DomainError } from '../src/protocol/errors.ts';
import { keyHash } from '../src/pki/x509.ts';
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { makeCsr, openssl, writeTemp } from './helpers/openssl.ts';
import { bitString, explicit, integerContent, oid, sequence, tlv } from '../src/pki/der.ts';

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

  it('reads the subject in every string type openssl writes, and multi-valued names, as the applicant’s or not', async () => {
    const who = { login: 'zoe', firstName: 'Zoë', lastName: 'Ω', email: 'zoe@example.org' };
    // string_mask=default writes PrintableString, T61String (Latin-1) or BMPString as the text needs;
    // -utf8 alone writes UTF8String, and emailAddress is an IA5String.
    const config = writeTemp('default.cnf', '[req]\ndistinguished_name=dn\nstring_mask=default\n[dn]\n');
    const withSubject = (subj: string, ...more: string[]) => openssl(['req', '-new', '-key', keyFile, '-utf8', '-subj', subj, ...more]);
    const ignored = async (pem: string) => (await checkCsr(pem, who, 2048)).ignored;
    assert.deepEqual(await ignored(withSubject('/CN=Zoë Ω', '-config', config)), []); // BMPString, the full name
    assert.deepEqual(await ignored(withSubject('/CN=Zoé', '-config', config)), ['subject CN=Zoé']); // T61String
    assert.deepEqual(await ignored(withSubject('/CN=plain', '-config', config)), ['subject CN=plain']); // PrintableString
    assert.deepEqual(await ignored(withSubject('/CN=Zoë Ω/O=Élan')), []); // UTF8String; O is dropped unmentioned
    assert.deepEqual(
      await ignored(withSubject('/CN=zoe+UID=someone/emailAddress=Other@Example.org', '-multivalue-rdn')),
      ['subject UID=someone', 'subject emailAddress=Other@Example.org'],
    );
    assert.deepEqual(await ignored(withSubject('/UID=zoe/emailAddress=ZOE@example.org', '-multivalue-rdn')), []);
  });

  it('refuses as unreadable, under a good signature, a subject that is malformed or not text', async () => {
    const key = createPrivateKey(readFileSync(keyFile));
    const spki = new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
    const cn = oid('2.5.4.3');
    const signed = (subject: Uint8Array) => {
      const info = sequence(integerContent(new Uint8Array([0])), subject, spki, explicit(0, new Uint8Array()));
      const algorithm = sequence(oid('1.2.840.113549.1.1.11'), new Uint8Array([0x05, 0x00]));
      return pem(Buffer.from(sequence(info, algorithm, bitString(sign('sha256', info, key)))));
    };
    const rdn = (value: Uint8Array) => sequence(tlv(0x31, sequence(cn, value)));
    // A readable one first, so the refusals below are the subject's.
    assert.deepEqual((await checkCsr(signed(rdn(tlv(0x0c, new TextEncoder().encode('someone')))), undefined, 2048)).ignored, []);
    for (const subject of [
      rdn(tlv(0x0c, new Uint8Array([0xff, 0xfe]))), // not UTF-8
      rdn(tlv(0x1e, new Uint8Array([0x00, 0x41, 0x00]))), // half a UTF-16 unit
      sequence(tlv(0x31, sequence(cn))), // a type without a value
      sequence(sequence(sequence(cn, tlv(0x0c, new Uint8Array([0x41]))))), // an RDN that is not a SET
    ]) {
      await assert.rejects(checkCsr(signed(subject), undefined, 2048), badCsr(/subject could not be read/));
    }
  });

  it('refuses bytes after the request, and lengths not in their shortest form, as not DER', async () => {
    const der = Buffer.from(pemBody(request('-sha256')), 'base64');
    await assert.rejects(checkCsr(pem(Buffer.concat([der, Buffer.from([0x05, 0x00])])), undefined, 2048), badCsr(/DER|structure/i));
    // The outer length (two octets) written in four instead.
    const longer = Buffer.concat([Buffer.from([0x30, 0x84, 0x00, 0x00]), der.subarray(2)]);
    assert.equal(der[1], 0x82);
    await assert.rejects(checkCsr(pem(longer), undefined, 2048), badCsr(/DER|structure/i));
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
