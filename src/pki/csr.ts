// Checks a PKCS#10 request (protocol §2): one PEM block, a self-signature that verifies, an RSA key
// of at least the profile's size (an odd modulus, an odd exponent of at least 65537), and a subject
// and extensions that can be read. Nothing else from the request is used: the subject and
// extensions of the certificate are written by us, and names in the request that are not the
// applicant's are reported as ignored.
//
// The request is split into its parts once (its framing, by der.ts); node:crypto reads the key and
// checks the signature on the bytes as received; the subject's strings and a PKCS #1 algorithm's
// OID are read here; asn1-schema reads only what needs a schema (the attributes, PSS parameters,
// requested extensions). @peculiar/x509 parsed the request three times and verified through
// WebCrypto (~1.2 ms of CPU per enrollment, renewal or device link); asn1-schema on the whole
// request still cost ~0.9 ms with the key's exports, most of it asn1js trying to read the key's
// and the signature's bit strings as nested ASN.1. Now ~0.16 ms (issue 23).
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Attribute, Extensions } from '@peculiar/asn1-x509';
import * as rsa from '@peculiar/asn1-rsa';
import { DomainError } from '../protocol/errors.ts';
import { TAG, children, contextTag, oidText, readTlv, type Tlv } from './der.ts';
import { EMAIL_OID, UID_OID, certifiableRsaKey, type CertifiableKey, x509 } from './x509.ts';
import { errorText, type Said } from '../protocol/error-messages.ts';

export interface Applicant {
  login: string;
  firstName: string;
  lastName: string;
  email: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function badCsr(message: Said): DomainError {
  return new DomainError('bad_csr', message, { csr: message });
}

/** A request's parts (RFC 2986 §4): the signed info as received, and what is read from it. */
interface Request {
  info: Uint8Array;
  /** The subject's DER, read only by readSubject. */
  subject: Uint8Array;
  spki: Uint8Array;
  attributes: Attribute[];
  /** The signature's AlgorithmIdentifier as DER, read only by verification(). */
  signatureAlgorithm: Uint8Array;
  signature: Uint8Array;
}

function parse(pem: string): Request {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  if (blocks.length !== 1 || !/^(NEW )?CERTIFICATE REQUEST$/.test(blocks[0][1])) {
    throw badCsr(errorText('error.csr.notPem'));
  }
  const body = blocks[0][2].replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw badCsr(errorText('error.csr.base64'));
  try {
    return split(new Uint8Array(Buffer.from(body, 'base64')));
  } catch {
    throw badCsr(errorText('error.csr.notDer'));
  }
}

const { SEQUENCE, INTEGER, BIT_STRING, OBJECT_IDENTIFIER, SET } = TAG;
const ATTRIBUTES = contextTag(0); // [0] IMPLICIT SET OF Attribute

/**
 * CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature }
 * and certificationRequestInfo ::= SEQUENCE { version, subject, subjectPKInfo, [0] attributes },
 * each part where it must be and nothing after the request. Throws on any other shape.
 */
function split(der: Uint8Array): Request {
  const whole = readTlv(der, 0, SEQUENCE);
  if (whole.end !== der.length) throw new RangeError('bytes after the request');
  const [info, algorithm, signature, ...extra] = children(der, whole);
  const parts = info?.tag === SEQUENCE ? children(der, info) : [];
  const [version, subject, spki, attributes, ...more] = parts;
  const shaped =
    extra.length === 0 && algorithm?.tag === SEQUENCE && signature?.tag === BIT_STRING && der[signature.content] === 0 &&
    version?.tag === INTEGER && subject?.tag === SEQUENCE && spki?.tag === SEQUENCE && attributes?.tag === ATTRIBUTES && more.length === 0;
  if (!shaped) throw new RangeError('not a certification request');
  const bytes = (t: Tlv) => der.subarray(t.start, t.end);
  return {
    info: bytes(info),
    subject: bytes(subject),
    spki: bytes(spki),
    attributes: children(der, attributes).map((a) => AsnConvert.parse(bytes(a), Attribute)),
    signatureAlgorithm: bytes(algorithm),
    signature: der.subarray(signature.content + 1, signature.end),
  };
}

function readKey(spki: Uint8Array): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength), format: 'der', type: 'spki' });
  } catch {
    throw badCsr(errorText('error.csr.key.unreadable'));
  }
}

/** An RSA key's modulus and exponent, as their DER INTEGER contents and as numbers. */
interface RsaNumbers {
  modulus: Uint8Array;
  exponent: Uint8Array;
  n: bigint;
  e: bigint;
}

function checkKey(key: KeyObject, spki: Uint8Array, minBits: number): RsaNumbers {
  if (key.asymmetricKeyType !== 'rsa') {
    throw badCsr(errorText('error.csr.key.notRsa', { type: String(key.asymmetricKeyType).toUpperCase(), min: minBits }));
  }
  // The modulus and exponent themselves, not what a header says of them: a key with e = 1 makes
  // "signing" the identity (anyone can forge), a small or even exponent or an even modulus is weak.
  const numbers = rsaNumbers(spki);
  const { n, e } = numbers;
  const bits = n.toString(2).length;
  if (key.asymmetricKeyDetails?.modulusLength !== bits || key.asymmetricKeyDetails?.publicExponent !== e) {
    throw badCsr(errorText('error.csr.key.unreadable'));
  }
  if (bits < minBits) throw badCsr(errorText('error.csr.key.short', { bits, min: minBits }));
  if (n % 2n === 0n) throw badCsr(errorText('error.csr.key.evenModulus'));
  if (e < MIN_EXPONENT || e % 2n === 0n || e >= n) {
    throw badCsr(errorText('error.csr.key.exponent', { exponent: String(e) }));
  }
  return numbers;
}

/** RFC 8017 §3.1: the smallest public exponent accepted is F4 = 2^16 + 1, the usual one. */
const MIN_EXPONENT = 65537n;

/**
 * RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } inside the SPKI's BIT
 * STRING (RFC 8017 Appendix A.1.1), read from the bytes node:crypto has just accepted as an RSA
 * key; both positive. Checked against node's own reading of them by the caller.
 */
function rsaNumbers(spki: Uint8Array): RsaNumbers {
  try {
    const [, bits, ...extra] = children(spki, readTlv(spki, 0, SEQUENCE));
    if (bits?.tag !== BIT_STRING || spki[bits.content] !== 0 || extra.length) throw new RangeError('no key');
    const key = readTlv(spki, bits.content + 1, SEQUENCE, bits.end);
    const [modulus, exponent, ...more] = children(spki, key);
    if (key.end !== bits.end || modulus?.tag !== INTEGER || exponent?.tag !== INTEGER || more.length) throw new RangeError('no key');
    const positive = (t: Tlv) => {
      const content = spki.subarray(t.content, t.end);
      if (!content.length || content[0] & 0x80) throw new RangeError('not a positive integer');
      return content;
    };
    const m = positive(modulus);
    const x = positive(exponent);
    const big = (b: Uint8Array) => BigInt(`0x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}`);
    return { modulus: m, exponent: x, n: big(m), e: big(x) };
  } catch {
    throw badCsr(errorText('error.csr.key.unreadable'));
  }
}

/** The digests a request may be signed with, by their OIDs in PKCS #1 (RFC 8017 Appendix A.2.4). */
const PKCS1_DIGESTS: Record<string, string> = {
  [rsa.id_sha1WithRSAEncryption]: 'sha1',
  [rsa.id_sha224WithRSAEncryption]: 'sha224',
  [rsa.id_sha256WithRSAEncryption]: 'sha256',
  [rsa.id_sha384WithRSAEncryption]: 'sha384',
  [rsa.id_sha512WithRSAEncryption]: 'sha512',
};
const DIGESTS: Record<string, string> = {
  [rsa.id_sha1]: 'sha1',
  [rsa.id_sha224]: 'sha224',
  [rsa.id_sha256]: 'sha256',
  [rsa.id_sha384]: 'sha384',
  [rsa.id_sha512]: 'sha512',
};

type Verification = { digest: string; padding?: number; saltLength?: number };

/**
 * How to check the request's signature: PKCS #1 v1.5 with a SHA digest, or RSASSA-PSS whose mask
 * uses the same digest (RFC 8017 §9.1; node:crypto has no separate MGF1 digest to verify with).
 * Anything else is refused by name, rather than reported as a signature that does not verify.
 */
function verification(der: Uint8Array): Verification {
  // The OID alone for PKCS #1 v1.5 (its parameters are NULL or absent, and nothing to read): an
  // asn1-schema parse of the AlgorithmIdentifier costs ~40 µs; PSS has parameters and gets one.
  let oid: string;
  try {
    const [name] = children(der, readTlv(der, 0, SEQUENCE));
    oid = oidText(der.subarray(readTlv(der, name.start, OBJECT_IDENTIFIER).content, name.end));
  } catch {
    throw badCsr(errorText('error.csr.notDer'));
  }
  const digest = PKCS1_DIGESTS[oid];
  if (digest) return { digest };
  let algorithm: AlgorithmIdentifier | undefined;
  try {
    algorithm = AsnConvert.parse(der, AlgorithmIdentifier);
  } catch {
    algorithm = undefined;
  }
  if (algorithm?.algorithm === rsa.id_RSASSA_PSS && algorithm.parameters) {
    let params: rsa.RsaSaPssParams | undefined;
    try {
      params = AsnConvert.parse(algorithm.parameters, rsa.RsaSaPssParams);
    } catch {
      params = undefined;
    }
    const pssDigest = params && DIGESTS[params.hashAlgorithm.algorithm];
    const mask = params?.maskGenAlgorithm;
    let maskDigest: string | undefined;
    try {
      maskDigest = mask?.algorithm === rsa.id_mgf1 && mask.parameters ? DIGESTS[AsnConvert.parse(mask.parameters, AlgorithmIdentifier).algorithm] : undefined;
    } catch {
      maskDigest = undefined;
    }
    if (params && pssDigest && maskDigest === pssDigest && params.trailerField === 1) {
      return { digest: pssDigest, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength };
    }
  }
  throw badCsr(errorText('error.csr.algorithm', { algorithm: oid }));
}

function checkSignature(request: Request, key: KeyObject): void {
  const how = verification(request.signatureAlgorithm);
  let verified = false;
  try {
    verified = verify(
      how.digest,
      request.info,
      how.padding ? { key, padding: how.padding, saltLength: how.saltLength } : key,
      request.signature,
    );
  } catch {
    verified = false;
  }
  if (!verified) throw badCsr(errorText('error.csr.signature'));
}

const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const SUBJECT_ALT_NAME = '2.5.29.17';
/** Names for the extensions a request may carry, to say which one is broken. */
const EXTENSION_NAMES: Record<string, string> = {
  '2.5.29.14': 'subjectKeyIdentifier',
  '2.5.29.15': 'keyUsage',
  [SUBJECT_ALT_NAME]: 'subjectAltName',
  '2.5.29.18': 'issuerAltName',
  '2.5.29.19': 'basicConstraints',
  '2.5.29.30': 'nameConstraints',
  '2.5.29.31': 'cRLDistributionPoints',
  '2.5.29.32': 'certificatePolicies',
  '2.5.29.35': 'authorityKeyIdentifier',
  '2.5.29.37': 'extendedKeyUsage',
  '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess',
};

interface Claim {
  type: string;
  value: string;
}

/**
 * Reads every part of the request that is looked at — the subject and each requested extension —
 * each under its own guard: whatever a client sends, a part that cannot be read is `bad_csr`
 * naming it, never an exception escaping as a 500. The structure was read by parse(); the values
 * inside it (names, extension contents) are read only here.
 */
function readSubject(request: Request): Claim[] {
  const der = request.subject;
  try {
    const out: Claim[] = [];
    for (const rdn of children(der, readTlv(der, 0, SEQUENCE))) {
      if (rdn.tag !== SET) throw new RangeError('not an RDN');
      for (const pair of children(der, rdn)) {
        const [type, value, ...extra] = pair.tag === SEQUENCE ? children(der, pair) : [];
        if (type?.tag !== OBJECT_IDENTIFIER || !value || extra.length) throw new RangeError('not an attribute');
        const oid = oidText(der.subarray(type.content, type.end));
        out.push({ type: SHORT_NAMES[oid] ?? oid, value: directoryString(der, value) });
      }
    }
    return out;
  } catch {
    throw badCsr(errorText('error.csr.subject'));
  }
}

/** The subject's attribute types that are reported by a short name (the others by OID). */
const SHORT_NAMES: Record<string, string> = { '2.5.4.3': 'CN' };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf16 = new TextDecoder('utf-16be', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * An attribute value as text: the string types a DirectoryString or IA5String may be (RFC 5280
 * §4.1.2.4), decoded; anything else as RFC 4514's `#` and the hex of its DER, as x509's Name
 * writes it. Malformed text (bad UTF-8, half a UTF-16 unit) throws.
 */
function directoryString(der: Uint8Array, value: Tlv): string {
  const content = der.subarray(value.content, value.end);
  switch (value.tag) {
    case TAG.UTF8_STRING:
      return utf8.decode(content);
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.TELETEX_STRING: // read as Latin-1, as OpenSSL does
      return latin1.decode(content);
    case TAG.BMP_STRING:
      return utf16.decode(content);
    case TAG.UNIVERSAL_STRING: {
      // UTF-32BE
      if (content.length % 4) throw new RangeError('half a UniversalString character');
      const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
      let text = '';
      for (let i = 0; i < content.length; i += 4) text += String.fromCodePoint(view.getUint32(i));
      return text;
    }
    default:
      return `#${Buffer.from(der.subarray(value.start, value.end)).toString('hex')}`;
  }
}

function readExtensions(request: Request): x509.Extension[] {
  const attributes: Attribute[] = request.attributes;
  const out: x509.Extension[] = [];
  for (const attribute of attributes.filter((a) => a.type === EXTENSION_REQUEST)) {
    for (const value of attribute.values) {
      let extensions: Extensions;
      try {
        extensions = AsnConvert.parse(value, Extensions);
      } catch {
        throw badCsr(errorText('error.csr.extensionRequest'));
      }
      for (const extension of extensions) {
        try {
          out.push(x509.ExtensionFactory.create(AsnConvert.serialize(extension)));
        } catch {
          const name = EXTENSION_NAMES[extension.extnID] ?? extension.extnID;
          throw badCsr(errorText('error.csr.extension', { name }));
        }
      }
    }
  }
  return out;
}

/** Names the request claims: subject UID/CN/emailAddress and SAN emails or other names. */
function claims(request: Request): Claim[] {
  const out = readSubject(request);
  for (const extension of readExtensions(request)) {
    if (extension.type !== SUBJECT_ALT_NAME || !(extension instanceof x509.SubjectAlternativeNameExtension)) continue;
    try {
      for (const name of extension.names.items) out.push({ type: `san:${name.type}`, value: String(name.value) });
    } catch {
      throw badCsr(errorText('error.csr.altName'));
    }
  }
  return out;
}

/**
 * The names in the request that are not the applicant's: reported back (protocol §2 `ignored`),
 * never refused and never copied, since the certificate is written from the directory alone.
 * Other subject attributes (O, OU, C…) are dropped without mention, as they always were.
 */
function ignoredNames(named: Claim[], who: Applicant): string[] {
  const fullName = `${who.firstName} ${who.lastName}`.toLowerCase();
  const email = who.email.toLowerCase();
  const out: string[] = [];
  for (const { type, value } of named) {
    const v = value.trim().toLowerCase();
    const isUid = type === UID_OID || type === 'UID';
    const isEmail = type === EMAIL_OID || type === 'E' || type === 'san:email';
    const mine = isUid ? v === who.login : type === 'CN' ? v === who.login || v === fullName : isEmail ? v === email : !type.startsWith('san:');
    if (mine) continue;
    if (type.startsWith('san:')) out.push(`subjectAltName ${type.slice(4)}:${value}`);
    else out.push(`subject ${isUid ? 'UID' : isEmail ? 'emailAddress' : type}=${value}`);
  }
  return out;
}

export interface CheckedCsr {
  /** The key to certify, as node:crypto encodes it, with its hash for "one key, one identity". */
  key: CertifiableKey;
  /** The request's names that are not the applicant's and were left out ("subject CN=…"). */
  ignored: string[];
}

/**
 * Returns the request's public key once every check passes, with the names it held that are not
 * the applicant's; throws `bad_csr` otherwise. Without an applicant (their other fields were
 * invalid) only the request itself is checked, and nothing is reported as ignored.
 */
export async function checkCsr(pem: string, who: Applicant | undefined, minBits: number): Promise<CheckedCsr> {
  const request = parse(pem);
  const key = readKey(request.spki);
  const { modulus, exponent } = checkKey(key, request.spki, minBits);
  checkSignature(request, key);
  const named = claims(request);
  return { key: certifiableRsaKey(modulus, exponent), ignored: who ? ignoredNames(named, who) : [] };
}
