// The DER framing reader (src/pki/der.ts) that splits untrusted requests before anything reads
// their parts: one framing per value (X.690 §10.1), everything else refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { children, oid, oidText, readTlv, tlv } from '../src/pki/der.ts';
import { certifiableKey, certifiableRsaKey } from '../src/pki/x509.ts';

describe('readTlv and children', () => {
  it('reads short and long definite lengths, and the parts that fill a value exactly', () => {
    for (const n of [0, 1, 127, 128, 255, 256, 65_535, 65_536]) {
      const der = tlv(0x04, new Uint8Array(n).fill(7));
      const t = readTlv(der, 0, 0x04);
      assert.deepEqual([t.tag, t.start, t.end, t.end - t.content], [0x04, 0, der.length, n]);
    }
    const seq = tlv(0x30, new Uint8Array([...tlv(0x02, new Uint8Array([5])), ...tlv(0x05, new Uint8Array())]));
    assert.deepEqual(children(seq, readTlv(seq, 0)).map((c) => c.tag), [0x02, 0x05]);
  });

  it('refuses lengths not in their shortest form, indefinite lengths, high tag numbers, a wrong tag and values past their end', () => {
    for (const bad of [
      [0x04, 0x81, 0x05, 1, 2, 3, 4, 5], // long form for a length under 128
      [0x04, 0x82, 0x00, 0x80, ...new Array(128).fill(0)], // a leading zero length octet
      [0x30, 0x80, 0x00, 0x00], // indefinite
      [0x1f, 0x81, 0x00], // high tag number form
      [0x04, 0x03, 1, 2], // runs past the end
      [0x04], // no length
      [0x04, 0x85, 1, 1, 1, 1, 1], // a length of five octets
    ]) {
      assert.throws(() => readTlv(new Uint8Array(bad), 0), RangeError, JSON.stringify(bad));
    }
    assert.throws(() => readTlv(new Uint8Array([0x04, 0x00]), 0, 0x30), RangeError);
    // A part that runs past its parent, though not past the buffer.
    const seq = new Uint8Array([0x30, 0x03, 0x04, 0x03, 1, 2, 3]);
    assert.throws(() => children(seq, readTlv(seq, 0)), RangeError);
  });

  it('oidText reads back what oid writes, and refuses padded or unfinished arcs', () => {
    for (const dotted of ['1.2.840.113549.1.1.11', '2.5.4.3', '0.9.2342.19200300.100.1.1', '2.999.1', '1.3.6.1.4.1.311.60.2.1.3', '2.25.329800735698586629295641978511506172918']) {
      const der = oid(dotted);
      assert.equal(oidText(der.subarray(2)), dotted);
    }
    assert.throws(() => oidText(new Uint8Array([0x2a, 0x80, 0x01])), RangeError);
    assert.throws(() => oidText(new Uint8Array([0x2a, 0x86])), RangeError);
    assert.throws(() => oidText(new Uint8Array()), RangeError);
  });
});

describe('certifiableRsaKey', () => {
  it('writes the SubjectPublicKeyInfo node:crypto exports, from the modulus and exponent as DER holds them', () => {
    for (const [modulusLength, publicExponent] of [[2048, 65537], [2050, 65537], [3072, 3], [2048, 0xffff_ffff]]) {
      const { publicKey } = generateKeyPairSync('rsa', { modulusLength, publicExponent });
      const jwk = publicKey.export({ format: 'jwk' });
      const bytes = (b64: string | undefined) => new Uint8Array(Buffer.from(b64 ?? '', 'base64url'));
      const expected = certifiableKey(publicKey);
      // As JWK gives them (no sign octet) and as a DER INTEGER holds them (a zero octet before a high bit).
      assert.deepEqual(certifiableRsaKey(bytes(jwk.n), bytes(jwk.e)), expected, `${modulusLength} bits, e = ${publicExponent}`);
      assert.deepEqual(certifiableRsaKey(new Uint8Array([0, ...bytes(jwk.n)]), bytes(jwk.e)), expected);
      assert.deepEqual(createPublicKey({ key: Buffer.from(expected.spki), format: 'der', type: 'spki' }).export({ format: 'jwk' }), jwk);
    }
  });
});
