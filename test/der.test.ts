// The hand-written DER of src/pki/der.ts against asn1-schema's own encoders (asn1js underneath):
// the same bytes for every length form, OID arc size and time; and whole OCSP responses from the
// server read by asn1-schema and written back unchanged (so every field is where the schema wants it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  AsnBitStringConverter,
  AsnConvert,
  AsnEnumeratedConverter,
  AsnGeneralizedTimeConverter,
  AsnUTCTimeConverter,
  AsnIntegerArrayBufferConverter,
  AsnObjectIdentifierConverter,
  AsnOctetStringConverter,
} from '@peculiar/asn1-schema';
import { BasicOCSPResponse, OCSPResponse } from '@peculiar/asn1-ocsp';
import { bitString, enumerated, explicit, generalizedTime, integerContent, octetString, oid, sequence, utcTime, x509Time } from '../src/pki/der.ts';
import { startInProcess } from './helpers/inprocess.ts';
import { enrollUser } from './helpers/login.ts';
import { openssl, writeTemp } from './helpers/openssl.ts';

const ber = (v: { toBER(): ArrayBuffer }) => new Uint8Array(v.toBER());
const buf = (bytes: Uint8Array) => bytes.slice().buffer;

describe('DER writer', () => {
  it('writes lengths in short and long form (0, 127, 128, 255, 256, 65535, 65536 and between) as asn1-schema does', () => {
    for (const n of [0, 1, 127, 128, 255, 256, 65_535, 65_536, 70_000]) {
      const bytes = new Uint8Array(n).fill(7);
      assert.deepEqual(octetString(bytes), ber(AsnOctetStringConverter.toASN(buf(bytes))), `length ${n}`);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        assert.deepEqual(octetString(bytes), ber(AsnOctetStringConverter.toASN(buf(bytes))));
        assert.deepEqual(bitString(bytes), ber(AsnBitStringConverter.toASN(buf(bytes))));
        // a SEQUENCE is the same length form around its parts
        const inner = octetString(bytes);
        assert.deepEqual(sequence(inner).subarray(0, 1), new Uint8Array([0x30]));
        assert.deepEqual(sequence(inner).subarray(1), octetString(inner).subarray(1));
      }),
    );
  });

  it('writes OBJECT IDENTIFIERs with arcs of every size as asn1-schema does', () => {
    for (const known of ['1.3.14.3.2.26', '1.2.840.10045.4.3.2', '1.3.6.1.5.5.7.48.1.2', '2.16.840.1.101.3.4.2.1', '2.999.1', '0.39']) {
      assert.deepEqual(oid(known), ber(AsnObjectIdentifierConverter.toASN(known)), known);
    }
    const arc = fc.oneof(fc.integer({ min: 0, max: 127 }), fc.integer({ min: 128, max: 2 ** 31 - 1 }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(arc, { maxLength: 8 }), (a, b, rest) => {
        const dotted = [a, b, ...rest].join('.');
        assert.deepEqual(oid(dotted), ber(AsnObjectIdentifierConverter.toASN(dotted)));
      }),
    );
  });

  it('writes GeneralizedTime in whole seconds, UTC, and ENUMERATED, INTEGER and [n] EXPLICIT values as asn1-schema does', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const whole = new Date(Math.floor(d.getTime() / 1000) * 1000);
        assert.deepEqual(generalizedTime(whole), ber(AsnGeneralizedTimeConverter.toASN(whole)));
      }),
    );
    fc.assert(
      fc.property(fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2049-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const whole = new Date(Math.floor(d.getTime() / 1000) * 1000);
        assert.deepEqual(utcTime(whole), ber(AsnUTCTimeConverter.toASN(whole)));
        assert.deepEqual(x509Time(whole), utcTime(whole));
      }),
    );
    assert.throws(() => utcTime(new Date('2050-01-01T00:00:00Z')), RangeError);
    assert.deepEqual(x509Time(new Date('2050-01-01T00:00:00Z')), generalizedTime(new Date('2050-01-01T00:00:00Z')));
    for (const v of [0, 1, 6, 9, 127]) assert.deepEqual(enumerated(v), ber(AsnEnumeratedConverter.toASN(v)));
    for (const content of [[0x00, 0x80], [0x7f], [0x01, 0x02, 0x03]]) {
      assert.deepEqual(integerContent(new Uint8Array(content)), ber(AsnIntegerArrayBufferConverter.toASN(buf(new Uint8Array(content)))));
    }
    assert.deepEqual(explicit(2, octetString(new Uint8Array([1, 2]))), new Uint8Array([0xa2, 0x04, 0x04, 0x02, 0x01, 0x02]));
  });

  it('builds OCSP responses (good, revoked, unknown, a nonce, SHA-1 and SHA-256 CertIDs) that asn1-schema re-encodes byte for byte', async () => {
    const s = await startInProcess();
    try {
      const good = await enrollUser(s.url, 'dergood');
      const lost = await enrollUser(s.url, 'derlost');
      await s.service.certificateChanges.revokeByOperator({ serial: lost.serial }, 'cessationOfOperation');
      const inter = writeTemp('intermediate.pem', s.service.ca.intermediate.toString('pem'));
      const reqFile = writeTemp('req.der', '');
      for (const args of [
        ['-serial', `0x${good.serial}`, '-serial', `0x${lost.serial}`, '-serial', '0x1234', '-nonce'],
        ['-sha256', '-serial', '0x00ff', '-serial', '0x80', '-serial', `0x${lost.serial}`, '-no_nonce'],
      ]) {
        openssl(['ocsp', '-issuer', inter, ...args, '-reqout', reqFile]);
        const res = await fetch(`${s.url}/ocsp`, { method: 'POST', body: readFileSync(reqFile) });
        const der = new Uint8Array(await res.arrayBuffer());
        const parsed = AsnConvert.parse(der, OCSPResponse);
        assert.deepEqual(new Uint8Array(AsnConvert.serialize(parsed)), der, args.join(' '));
        const basicDer = new Uint8Array(parsed.responseBytes!.response.buffer);
        const basic = AsnConvert.parse(basicDer, BasicOCSPResponse);
        assert.deepEqual(new Uint8Array(AsnConvert.serialize(basic)), basicDer, args.join(' '));
        const states = basic.tbsResponseData.responses.map((r) => Object.keys(r.certStatus).find((k) => r.certStatus[k as 'good'] !== undefined));
        assert.deepEqual(states, args.includes('-nonce') ? ['good', 'revoked', 'unknown'] : ['unknown', 'unknown', 'revoked']);
        assert.equal(basic.tbsResponseData.responseExtensions?.length ?? 0, args.includes('-nonce') ? 1 : 0);
      }
    } finally {
      await s.close();
    }
  });
});
