// The browser's building blocks checked against outside references: RFC 4648 base64, the RFC 8785
// examples for JCS, and the openssl CLI for keys, CSRs and the login challenge signature (§3).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { base64Length, fromBase64, isBase64, toBase64 } from '../src/protocol/base64.ts';
import { jcs } from '../src/client/jcs.ts';
import { generateKey, importPrivateKey, importPublicKeys, KeyImportError, MIN_RSA_BITS, verifyPss } from '../src/client/keys.ts';
import { fromPem, toPem } from '../src/client/pem.ts';
import { makeCsr } from '../src/client/csr.ts';
import { signChallenge } from '../src/client/challenge.ts';
import { checkCsr } from '../src/pki/csr.ts';
import { openssl } from './helpers/openssl.ts';
import { tempDir } from './helpers/server.ts';

/** openssl's own check of an RSASSA-PSS/SHA-256/salt-32 signature; true when it prints Verified OK. */
function opensslVerifiesPss(spkiPem: string, data: Uint8Array, signature: Uint8Array): boolean {
  const dir = tempDir('tekup-pss-');
  const [pub, sig, msg] = ['pub.pem', 'sig.bin', 'data.bin'].map((f) => join(dir, f));
  writeFileSync(pub, spkiPem);
  writeFileSync(sig, signature);
  writeFileSync(msg, data);
  try {
    return /Verified OK/.test(openssl(['dgst', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-verify', pub, '-signature', sig, msg]));
  } catch {
    return false; // openssl exits 1 on "Verification failure"
  }
}

describe('base64 (RFC 4648 §4, with padding)', () => {
  it('encodes the RFC 4648 test vectors', () => {
    const vectors: [string, string][] = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
    for (const [text, b64] of vectors) {
      assert.equal(toBase64(new TextEncoder().encode(text)), b64);
      assert.equal(new TextDecoder().decode(fromBase64(b64)), text);
    }
  });

  it('round-trips any bytes and agrees with Node', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const b64 = toBase64(bytes);
        assert.equal(b64, Buffer.from(bytes).toString('base64'));
        assert.deepEqual(fromBase64(b64), bytes);
        assert.equal(base64Length(b64), bytes.length);
      }),
    );
    assert.equal(toBase64(new Uint8Array(200_000).fill(7)), Buffer.alloc(200_000, 7).toString('base64'));
  });

  it('refuses URL-safe, unpadded, white space and non-canonical spellings', () => {
    for (const bad of ['Zg', 'Zg=', 'Zm9v\n', 'Zm 9v', '-_-_', 'Zh==', 'Zm9=', '=', 'Zm9vY===', 'Zg==Zm9v', 'Zm9v====', '====', 'Z===']) {
      assert.equal(isBase64(bad), false, bad);
      assert.throws(() => fromBase64(bad), TypeError);
    }
  });

  it('accepts exactly the texts that are the one base64 spelling of their bytes', () => {
    const chars = fc.constantFrom(...'AQgw+/=Zz9-_ \n\u00e9\u0100\u0141');
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 16 }), (text) => {
        assert.equal(isBase64(text), Buffer.from(text, 'base64').toString('base64') === text, JSON.stringify(text));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('JCS (RFC 8785)', () => {
  it('gives the canonical form of the RFC 8785 §3.2.2 example', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
    assert.equal(jcs(JSON.parse(input)), expected);
    // and its UTF-8 bytes, as the RFC lists them
    const hex = Buffer.from(jcs(JSON.parse(input)), 'utf8').toString('hex');
    assert.ok(hex.startsWith('7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d'));
    assert.ok(hex.endsWith('22e282ac245c75303030665c6e4127425c225c5c5c5c5c222f227d'));
  });

  it('sorts property names by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = String.raw`{"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}`;
    const expected =
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
      '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}';
    assert.equal(jcs(JSON.parse(input)), expected);
  });

  it('writes a §5 object with sorted keys and no white space', () => {
    assert.equal(jcs({ v: 1, text: 'a b', from: 'x', id: 'i' }), '{"from":"x","id":"i","text":"a b","v":1}');
  });
});

describe('keys', () => {
  it('generates RSA-2048 keys whose private halves are non-extractable', async () => {
    const key = await generateKey();
    assert.equal(key.pkcs8.length > 1000, true);
    key.forget();
    assert.ok(key.pkcs8.every((b) => b === 0), 'forget() wipes the PKCS#8');
    const { sign, decrypt } = key.privateKeys;
    assert.equal(sign.extractable, false);
    assert.equal(decrypt.extractable, false);
    assert.equal(sign.algorithm.name, 'RSA-PSS');
    assert.equal(decrypt.algorithm.name, 'RSA-OAEP');
    assert.equal((sign.algorithm as RsaHashedKeyAlgorithm).modulusLength, 2048);
    assert.deepEqual(sign.usages, ['sign']);
    assert.deepEqual(decrypt.usages, ['decrypt']);
    await assert.rejects(crypto.subtle.exportKey('pkcs8', sign));
    await assert.rejects(crypto.subtle.exportKey('jwk', decrypt));
  });

  it('refuses to generate keys under 2048 bits', async () => {
    await assert.rejects(generateKey(1024), RangeError);
    assert.equal(MIN_RSA_BITS, 2048);
  });

  it('imports an openssl-made PKCS#8 key: the same key signs (PSS) and decrypts (OAEP)', async () => {
    const pem = openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072']);
    const key = await importPrivateKey(fromPem(pem, 'PRIVATE KEY'));
    const spkiPem = openssl(['pkey', '-pubout'], pem);
    assert.deepEqual(key.spki, fromPem(spkiPem, 'PUBLIC KEY'), 'the derived public key is the one openssl sees');
    const data = new TextEncoder().encode('hello');
    const sig = new Uint8Array(await crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, key.privateKeys.sign, data));
    assert.ok(opensslVerifiesPss(spkiPem, data, sig));
    // a key wrapped by openssl with RSA-OAEP-SHA256 opens with the imported decrypt key
    const dir = tempDir('tekup-oaep-');
    writeFileSync(join(dir, 'pub.pem'), spkiPem);
    writeFileSync(join(dir, 'k.bin'), new Uint8Array(32).fill(9));
    openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', join(dir, 'pub.pem'), '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256', '-in', join(dir, 'k.bin'), '-out', join(dir, 'k.enc')]);
    const k = new Uint8Array(await crypto.subtle.decrypt({ name: 'RSA-OAEP' }, key.privateKeys.decrypt, readFileSync(join(dir, 'k.enc'))));
    assert.deepEqual(k, new Uint8Array(32).fill(9));
  });

  it('refuses small or non-RSA keys and garbage', async () => {
    const small = openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024']);
    await assert.rejects(importPrivateKey(fromPem(small, 'PRIVATE KEY')), KeyImportError);
    await assert.rejects(importPublicKeys(fromPem(openssl(['pkey', '-pubout'], small), 'PUBLIC KEY')), KeyImportError);
    const ec = openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    await assert.rejects(importPrivateKey(fromPem(ec, 'PRIVATE KEY')), KeyImportError);
    await assert.rejects(importPrivateKey(new Uint8Array([1, 2, 3])), KeyImportError);
  });

  it('writes and reads PEM', () => {
    const der = crypto.getRandomValues(new Uint8Array(100));
    const pem = toPem('PUBLIC KEY', der);
    assert.match(pem, /^-----BEGIN PUBLIC KEY-----\n([A-Za-z0-9+/=]{64}\n)+[A-Za-z0-9+/=]{1,64}\n-----END PUBLIC KEY-----\n$/);
    assert.deepEqual(fromPem(pem, 'PUBLIC KEY'), der);
    assert.throws(() => fromPem(pem + pem, 'PUBLIC KEY'), TypeError);
    assert.throws(() => fromPem(pem, 'PRIVATE KEY'), TypeError);
  });
});

describe('CSR made in the browser', () => {
  it('is a PKCS#10 request openssl verifies, with subject UID=<login>, which the server takes as that login\'s own', async () => {
    const key = await generateKey();
    key.forget();
    const pem = await makeCsr(key, 'amira.b');
    const dir = tempDir('tekup-csr-');
    writeFileSync(join(dir, 'req.pem'), pem);
    const out = openssl(['req', '-in', join(dir, 'req.pem'), '-verify', '-noout', '-subject'], undefined);
    assert.match(out, /subject=UID\s*=\s*amira\.b/);
    const who = { login: 'amira.b', firstName: 'Amira', lastName: 'Ben Salah', email: 'amira@example.org' };
    const { key: certified, ignored } = await checkCsr(pem, who, 2048);
    assert.deepEqual(certified.spki, key.spki);
    assert.deepEqual(ignored, []);
    // For anyone else the UID is not theirs: accepted, and reported as left out.
    assert.deepEqual((await checkCsr(pem, { ...who, login: 'someone' }, 2048)).ignored, ['subject UID=amira.b']);
  });

  it('may have an empty subject', async () => {
    const key = await generateKey();
    key.forget();
    const pem = await makeCsr(key);
    await checkCsr(pem, { login: 'anyone', firstName: 'A', lastName: 'B', email: 'a@example.org' }, 2048);
    await assert.rejects(makeCsr(key, 'Not A Login'), TypeError);
  });
});

describe('login challenge signature (§3)', () => {
  it('is RSASSA-PSS SHA-256 salt 32 over the UTF-8 bytes of the challenge: openssl dgst verifies it', async () => {
    const key = await generateKey();
    key.forget();
    const challenge = 'TEKUP_chat login v1 zoë 2026-11-24T10:00:00.000Z Kq3v…';
    const signature = await signChallenge(challenge, key.privateKeys.sign);
    const bytes = new TextEncoder().encode(challenge);
    assert.ok(opensslVerifiesPss(toPem('PUBLIC KEY', key.spki), bytes, fromBase64(signature)));
    assert.ok(await verifyPss(key.publicKeys.verify, fromBase64(signature), bytes));
    assert.equal(opensslVerifiesPss(toPem('PUBLIC KEY', key.spki), new TextEncoder().encode(challenge + ' '), fromBase64(signature)), false);
  });

  it('with a key made by openssl', async () => {
    const pem = openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
    const key = await importPrivateKey(fromPem(pem, 'PRIVATE KEY'));
    const signature = await signChallenge('challenge', key.privateKeys.sign);
    assert.ok(opensslVerifiesPss(openssl(['pkey', '-pubout'], pem), new TextEncoder().encode('challenge'), fromBase64(signature)));
  });
});
