// Checks a PKCS#10 request (protocol §2): one PEM block, a self-signature that verifies, an RSA key
// of at least the profile's size (an odd modulus, an odd exponent of at least 65537), and a subject
// and extensions that can be read. Nothing else from the request is used: the subject and
// extensions of the certificate are written by us, and names in the request that are not the
// applicant's are reported as ignored.
//
// The request is parsed once, by asn1-schema, and its signature checked by node:crypto on the
// bytes as received: @peculiar/x509's Pkcs10CertificateRequest parsed it twice more and verified
// through WebCrypto (a key import and a thread-pool hop for a 40 µs verification), ~1.2 ms of CPU
// per enrollment, renewal or device link where this takes ~0.4 (issue 23).
import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest, type CertificationRequestInfo } from '@peculiar/asn1-csr';
import { AlgorithmIdentifier, Extensions, type Attribute } from '@peculiar/asn1-x509';
import * as rsa from '@peculiar/asn1-rsa';
import { DomainError } from '../protocol/errors.ts';
import { EMAIL_OID, UID_OID, certifiableKey, type CertifiableKey, x509 } from './x509.ts';
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

function parse(pem: string): CertificationRequest {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  if (blocks.length !== 1 || !/^(NEW )?CERTIFICATE REQUEST$/.test(blocks[0][1])) {
    throw badCsr(errorText('error.csr.notPem'));
  }
  const body = blocks[0][2].replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw badCsr(errorText('error.csr.base64'));
  try {
    const request = AsnConvert.parse(Buffer.from(body, 'base64'), CertificationRequest);
    if (!request.certificationRequestInfoRaw) throw new Error('no certificationRequestInfo');
    return request;
  } catch {
    throw badCsr(errorText('error.csr.notDer'));
  }
}

function readKey(info: CertificationRequestInfo): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(AsnConvert.serialize(info.subjectPKInfo)), format: 'der', type: 'spki' });
  } catch {
    throw badCsr(errorText('error.csr.key.unreadable'));
  }
}

function checkKey(key: KeyObject, minBits: number): void {
  if (key.asymmetricKeyType !== 'rsa') {
    throw badCsr(errorText('error.csr.key.notRsa', { type: String(key.asymmetricKeyType).toUpperCase(), min: minBits }));
  }
  // The modulus and exponent themselves, not what a header says of them: a key with e = 1 makes
  // "signing" the identity (anyone can forge), a small or even exponent or an even modulus is weak.
  const { n, e } = rsaNumbers(key);
  const bits = n.toString(2).length;
  if (key.asymmetricKeyDetails?.modulusLength !== bits || key.asymmetricKeyDetails?.publicExponent !== e) {
    throw badCsr(errorText('error.csr.key.unreadable'));
  }
  if (bits < minBits) throw badCsr(errorText('error.csr.key.short', { bits, min: minBits }));
  if (n % 2n === 0n) throw badCsr(errorText('error.csr.key.evenModulus'));
  if (e < MIN_EXPONENT || e % 2n === 0n || e >= n) {
    throw badCsr(errorText('error.csr.key.exponent', { exponent: String(e) }));
  }
}

/** RFC 8017 §3.1: the smallest public exponent accepted is F4 = 2^16 + 1, the usual one. */
const MIN_EXPONENT = 65537n;

const unsigned = (base64url: string | undefined) => BigInt(`0x${Buffer.from(base64url ?? '', 'base64url').toString('hex') || '0'}`);

function rsaNumbers(key: KeyObject): { n: bigint; e: bigint } {
  try {
    const jwk = key.export({ format: 'jwk' });
    return { n: unsigned(jwk.n), e: unsigned(jwk.e) };
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
function verification(algorithm: AlgorithmIdentifier): Verification {
  const digest = PKCS1_DIGESTS[algorithm.algorithm];
  if (digest) return { digest };
  if (algorithm.algorithm === rsa.id_RSASSA_PSS && algorithm.parameters) {
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
  throw badCsr(errorText('error.csr.algorithm', { algorithm: algorithm.algorithm }));
}

function checkSignature(request: CertificationRequest, key: KeyObject): void {
  const how = verification(request.signatureAlgorithm);
  let verified = false;
  try {
    verified = verify(
      how.digest,
      new Uint8Array(request.certificationRequestInfoRaw!),
      how.padding ? { key, padding: how.padding, saltLength: how.saltLength } : key,
      new Uint8Array(request.signature),
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
 * naming it, never an exception escaping as a 500. The ASN.1 structure was read whole by parse();
 * the values inside it (names, extension contents) are read only here.
 */
function readSubject(info: CertificationRequestInfo): Claim[] {
  try {
    const out: Claim[] = [];
    for (const rdn of new x509.Name(info.subject).toJSON()) {
      for (const [type, values] of Object.entries(rdn)) {
        for (const value of values) out.push({ type, value: String(value) });
      }
    }
    return out;
  } catch {
    throw badCsr(errorText('error.csr.subject'));
  }
}

function readExtensions(info: CertificationRequestInfo): x509.Extension[] {
  const attributes: Attribute[] = info.attributes;
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
function claims(info: CertificationRequestInfo): Claim[] {
  const out = readSubject(info);
  for (const extension of readExtensions(info)) {
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
  const info = request.certificationRequestInfo;
  const key = readKey(info);
  checkKey(key, minBits);
  checkSignature(request, key);
  const named = claims(info);
  return { key: certifiableKey(key), ignored: who ? ignoredNames(named, who) : [] };
}
