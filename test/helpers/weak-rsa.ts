// Certificate requests for RSA keys no one should certify, which openssl will not make: a public
// exponent of 1 (or an even modulus). With e = 1, "RSA verification" is s^1 mod n = s, so the
// EMSA-PKCS1-v1_5 encoding of the request's hash IS a valid self-signature: anyone can forge it.
import { createHash, createPublicKey } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest } from '@peculiar/asn1-csr';
import * as der from '../../src/pki/der.ts';
import { makeCsr } from './openssl.ts';

const pemBody = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
const toPem = (bytes: Uint8Array) =>
  `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(bytes).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE REQUEST-----\n`;

/** A positive DER INTEGER's content: big-endian, with a leading zero when the top bit is set. */
const unsigned = (n: bigint) => {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
};

/** DigestInfo prefix of SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * A CSR (subject /O=Somewhere) for modulus `n` and exponent 1, self-signed with SHA-256 as it would
 * verify: the signature is the padded hash itself. `n` defaults to a real 2048-bit modulus.
 */
export function exponentOneCsr(n?: bigint): string {
  const base = AsnConvert.parse(pemBody(makeCsr().csr), CertificationRequest);
  if (n === undefined) {
    const jwk = createPublicKey({ key: Buffer.from(AsnConvert.serialize(base.certificationRequestInfo.subjectPKInfo)), format: 'der', type: 'spki' }).export({ format: 'jwk' });
    n = BigInt(`0x${Buffer.from(jwk.n!, 'base64url').toString('hex')}`);
  }
  const info = base.certificationRequestInfo;
  info.subjectPKInfo.subjectPublicKey = der.sequence(der.integerContent(unsigned(n)), der.integerContent(unsigned(1n))).buffer;
  const infoDer = Buffer.from(AsnConvert.serialize(info));
  const k = Math.ceil(n.toString(16).length / 2);
  const t = Buffer.concat([SHA256_PREFIX, createHash('sha256').update(infoDer).digest()]);
  const em = Buffer.concat([Buffer.from([0x00, 0x01]), Buffer.alloc(k - t.length - 3, 0xff), Buffer.from([0x00]), t]);
  const csr = new CertificationRequest({ certificationRequestInfo: info, signatureAlgorithm: base.signatureAlgorithm, signature: new Uint8Array(em).buffer });
  return toPem(new Uint8Array(AsnConvert.serialize(csr)));
}
