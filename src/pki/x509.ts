// One place that binds @peculiar/x509 to the platform's WebCrypto and names the algorithms we use,
// so every module signs and hashes the same way in Node and in the browser.
import 'reflect-metadata'; // @peculiar/x509 uses tsyringe, which needs it loaded first
import * as x509 from '@peculiar/x509';
import { X509Certificate, createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { bitString, concat, integerContent, oid, sequence, spkiKeyBits } from './der.ts';

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };

export const CA_SIGNING: RsaHashedImportParams & { name: 'RSASSA-PKCS1-v1_5' } = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
};

export const UID_OID = '0.9.2342.19200300.100.1.1';
export const EMAIL_OID = '1.2.840.113549.1.9.1';
/** Short names @peculiar/x509 does not know by default, for printing names. */
export const EXTRA_NAMES = { UID: UID_OID, E: EMAIL_OID };

/** A distinguished name as RFC 4514 text, with UID and E named rather than given as OIDs. */
export const nameText = (name: x509.Name): string => new x509.Name(name.toArrayBuffer(), EXTRA_NAMES).toString();

export async function generateRsaKeys(bits: number): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(
    { ...CA_SIGNING, modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  );
}

export function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');
}

/** A certificate parsed, or only its DER (what the issuer holds before anything needs parsing). */
export type CertificateLike = x509.X509Certificate | Uint8Array;

/** Protocol: a fingerprint is the lowercase hex SHA-256 of the DER certificate. */
export async function fingerprint(cert: CertificateLike): Promise<string> {
  // node:crypto, not WebCrypto's digest: a SHA-256 of 1 KiB takes microseconds, a thread-pool hop more.
  return createHash('sha256').update(cert instanceof Uint8Array ? cert : new Uint8Array(cert.rawData)).digest('hex');
}

/** A random positive serial of 128 bits whose DER form equals its hex (first byte 0x01–0x7f). */
export function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return hex(bytes);
}

/**
 * PEM of a certificate (RFC 7468: base64 in lines of 64) with a final newline, as protocol §2
 * answers it. Node's base64 rather than x509's PemConverter, whose JavaScript base64 was the
 * largest part of building an enrollment's answer.
 */
export function toPem(cert: CertificateLike): string {
  const der = cert instanceof Uint8Array ? cert : new Uint8Array(cert.rawData);
  const lines = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Bit length of an RSA public key's modulus, or undefined when the key is not RSA. */
export function rsaModulusBits(alg: Algorithm): number | undefined {
  if (alg.name !== 'RSASSA-PKCS1-v1_5' && alg.name !== 'RSA-PSS' && alg.name !== 'RSA-OAEP') return undefined;
  return (alg as RsaHashedKeyAlgorithm).modulusLength;
}

/**
 * RFC 5280 §4.2.1.2 method (1), which is also OCSP's responderID byKey (RFC 6960 §4.2.1): the
 * SHA-1 of the subjectPublicKey bits of a DER SubjectPublicKeyInfo.
 */
export function keyIdentifier(spki: Uint8Array): Buffer {
  return createHash('sha1').update(spkiKeyBits(spki)).digest();
}

/**
 * A public key to certify: its SubjectPublicKeyInfo as node:crypto encodes it (one DER for one key,
 * so a request cannot pass an already certified key off as new by spelling its SPKI differently),
 * and the lowercase hex SHA-256 of that encoding, which is what identifies the key in the records.
 */
export interface CertifiableKey {
  spki: Uint8Array<ArrayBuffer>;
  hash: string;
}

export function certifiableKey(key: KeyObject): CertifiableKey {
  return certifiable(new Uint8Array(key.export({ type: 'spki', format: 'der' })));
}

/** A SubjectPublicKeyInfo already in node:crypto's encoding, with its key hash. */
const certifiable = (spki: Uint8Array<ArrayBuffer>): CertifiableKey => ({ spki, hash: createHash('sha256').update(spki).digest('hex') });

const RSA_ENCRYPTION = sequence(oid('1.2.840.113549.1.1.1'), new Uint8Array([0x05, 0x00]));

/** DER INTEGER content of a non-negative number given as big-endian octets: shortest form. */
function unsignedContent(octets: Uint8Array): Uint8Array {
  let at = 0;
  while (at < octets.length - 1 && octets[at] === 0) at++;
  const rest = octets.subarray(at);
  return rest[0] & 0x80 ? concat([new Uint8Array([0]), rest]) : rest;
}

/**
 * The same as certifiableKey for an RSA key given by its modulus and exponent (big-endian, as read
 * from DER): the SubjectPublicKeyInfo written as node:crypto (OpenSSL) writes one — rsaEncryption
 * with NULL parameters, both integers in their shortest form — without a key export (~70 µs).
 */
export function certifiableRsaKey(modulus: Uint8Array, exponent: Uint8Array): CertifiableKey {
  const key = sequence(integerContent(unsignedContent(modulus)), integerContent(unsignedContent(exponent)));
  return certifiable(sequence(RSA_ENCRYPTION, bitString(key)));
}

/** The key hash (see CertifiableKey) of a DER SubjectPublicKeyInfo; throws when it cannot be read. */
export function keyHash(spki: Uint8Array | ArrayBuffer): string {
  return certifiableKey(createPublicKey({ key: Buffer.from(spki instanceof Uint8Array ? spki : new Uint8Array(spki)), format: 'der', type: 'spki' })).hash;
}

/** The key hash of a DER certificate's public key, or undefined when the certificate cannot be read. */
export function certificateKeyHash(der: Uint8Array): string | undefined {
  try {
    return createHash('sha256').update(new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
  } catch {
    return undefined;
  }
}
