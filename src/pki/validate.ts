// Decides whether a certificate presented by a client is one of ours and usable now (protocol §3).
// Trust comes only from our intermediate's signature and our own issuance record — never from the
// subject, the issuer name or the public key, which a pirate can copy.
//
// Read by node:crypto's X509Certificate (OpenSSL, native) rather than @peculiar/x509: a login
// parsed the certificate with asn1js and checked its signature through asn1-schema and WebCrypto,
// ~3.5 ms of the event loop per login, more than everything else in it but the password hash
// (issue 23); natively it is a few hundred microseconds.
import { X509Certificate, constants, verify } from 'node:crypto';
import { CertificateRejected } from '../protocol/errors.ts';
import type { Authority } from './authority.ts';
import { TAG, children, contextTag, oidText, readTlv } from './der.ts';
import type { CertificateRecord, CertificateRecords } from './records.ts';
import { fingerprint, type x509 } from './x509.ts';
import { errorText } from '../protocol/error-messages.ts';

export interface Validated {
  cert: X509Certificate;
  record: CertificateRecord;
}

export function parseCertificate(pem: string): X509Certificate {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (!blocks || blocks.length !== 1) {
    throw new CertificateRejected('bad_certificate', errorText('error.cert.onePem'));
  }
  try {
    const cert = new X509Certificate(blocks[0]);
    // OpenSSL reads the key only when asked: ask now, so a certificate that parses can be used.
    void cert.publicKey;
    return cert;
  } catch {
    throw new CertificateRejected('bad_certificate', errorText('error.cert.unreadable'));
  }
}

/** The intermediate as node:crypto reads it, once per Authority's certificate. */
const natives = new WeakMap<x509.X509Certificate, X509Certificate>();
function nativeIntermediate(ca: Authority): X509Certificate {
  let native = natives.get(ca.intermediate);
  if (!native) natives.set(ca.intermediate, (native = new X509Certificate(Buffer.from(ca.intermediate.rawData))));
  return native;
}

/**
 * Whether our intermediate signed this certificate (or these DER bytes; what OpenSSL cannot read,
 * it did not sign): issued under its name (and key identifier, as OpenSSL's X509_check_issued
 * matches them) and carrying its key's signature.
 */
export function signedByIntermediate(cert: X509Certificate | Uint8Array, ca: Authority): boolean {
  const intermediate = nativeIntermediate(ca);
  try {
    const native = cert instanceof X509Certificate ? cert : new X509Certificate(cert);
    return native.checkIssued(intermediate) && native.verify(intermediate.publicKey);
  } catch {
    return false;
  }
}

/**
 * Chain and validity: signed by our intermediate and recorded by us as issued, inside its validity
 * window (and the CA's), a client certificate. Ownership and revocation are the caller's next steps
 * because their order matters to it (see src/auth/login.ts).
 */
export async function validateIssued(cert: X509Certificate, ca: Authority, records: CertificateRecords, now: Date): Promise<Validated> {
  const untrusted = () => new CertificateRejected('untrusted_issuer', errorText('error.cert.untrusted'));
  if (!signedByIntermediate(cert, ca)) throw untrusted();
  const record = await records.byFingerprint(await fingerprint(cert.raw));
  if (!record || record.state !== 'issued') throw untrusted();

  const t = now.getTime();
  const { validFromDate: notBefore, validToDate: notAfter } = cert;
  if (t < notBefore.getTime()) throw new CertificateRejected('not_yet_valid', errorText('error.cert.notYetValid', { notBefore: notBefore.toISOString() }));
  if (t > notAfter.getTime()) {
    throw new CertificateRejected('expired', errorText('error.cert.expired', { notAfter: notAfter.toISOString() }), { notAfter: notAfter.toISOString() });
  }
  if (t > ca.intermediate.notAfter.getTime()) throw new CertificateRejected('expired', errorText('error.cert.caExpired'));

  // node:crypto's `keyUsage` is the extended key usage, and its `ca` also needs keyCertSign: the
  // key usage bits and basicConstraints' cA are read from the DER.
  const extensions = extensionValues(cert.raw);
  if (isCa(extensions.get(BASIC_CONSTRAINTS)) || !signsDigitally(extensions.get(KEY_USAGE)) || !cert.keyUsage?.includes(CLIENT_AUTH)) {
    throw new CertificateRejected('bad_certificate', errorText('error.cert.notUser'));
  }
  return { cert, record };
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const KEY_USAGE = '2.5.29.15';
const BASIC_CONSTRAINTS = '2.5.29.19';

/**
 * Each extension's value (the DER inside its extnValue OCTET STRING), by OID: TBSCertificate's [3]
 * extensions, each SEQUENCE { extnID, critical?, extnValue }. The certificate was accepted by
 * OpenSSL already; anything unexpected here reads as no extensions, which fails the checks.
 */
function extensionValues(der: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  try {
    const [tbs] = children(der, readTlv(der, 0, TAG.SEQUENCE));
    const wrapper = children(der, tbs).find((part) => part.tag === contextTag(3)); // [3] EXPLICIT Extensions
    if (!wrapper) return out;
    for (const extension of children(der, readTlv(der, wrapper.content, TAG.SEQUENCE, wrapper.end))) {
      const parts = children(der, extension);
      const [id, value] = [parts[0], parts[parts.length - 1]];
      if (id.tag !== TAG.OBJECT_IDENTIFIER || value.tag !== TAG.OCTET_STRING) return new Map();
      out.set(oidText(der.subarray(id.content, id.end)), der.subarray(value.content, value.end));
    }
    return out;
  } catch {
    return new Map();
  }
}

/** keyUsage (RFC 5280 §4.2.1.3) with digitalSignature, bit 0: a BIT STRING's first octet's top bit. */
function signsDigitally(value: Uint8Array | undefined): boolean {
  try {
    if (!value) return false;
    const bits = readTlv(value, 0, TAG.BIT_STRING);
    return bits.end - bits.content >= 2 && (value[bits.content + 1] & 0x80) !== 0;
  } catch {
    return false;
  }
}

/** basicConstraints (RFC 5280 §4.2.1.9) SEQUENCE { cA BOOLEAN DEFAULT FALSE, … } with cA true. */
function isCa(value: Uint8Array | undefined): boolean {
  if (!value) return false;
  try {
    const [first] = children(value, readTlv(value, 0, TAG.SEQUENCE));
    return first?.tag === TAG.BOOLEAN && value[first.content] !== 0;
  } catch {
    return true; // unreadable constraints: not a user's certificate
  }
}

/** RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32, with the certificate's key (protocol §3 and §5). */
export function verifyPss(cert: X509Certificate, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify('sha256', data, { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
  } catch {
    return false;
  }
}
