// Checks a PKCS#10 request (protocol §2): one PEM block, a self-signature that verifies, an RSA key
// of at least the profile's size (an odd modulus, an odd exponent of at least 65537), and a subject
// and extensions that can be read. Nothing else from the request is used: the subject and
// extensions of the certificate are written by us, and names in the request that are not the
// applicant's are reported as ignored.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { Extensions, type Attribute } from '@peculiar/asn1-x509';
import { DomainError } from '../protocol/errors.ts';
import { EMAIL_OID, UID_OID, x509 } from './x509.ts';
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

function parse(pem: string): x509.Pkcs10CertificateRequest {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  if (blocks.length !== 1 || !/^(NEW )?CERTIFICATE REQUEST$/.test(blocks[0][1])) {
    throw badCsr(errorText('error.csr.notPem'));
  }
  const body = blocks[0][2].replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw badCsr(errorText('error.csr.base64'));
  try {
    return new x509.Pkcs10CertificateRequest(Buffer.from(body, 'base64'));
  } catch {
    throw badCsr(errorText('error.csr.notDer'));
  }
}

function checkKey(csr: x509.Pkcs10CertificateRequest, minBits: number): void {
  let key;
  try {
    key = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
  } catch {
    throw badCsr(errorText('error.csr.key.unreadable'));
  }
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
 * naming it, never an exception escaping as a 500. @peculiar/x509 parses these lazily, so nothing
 * before this point has read them.
 */
function readSubject(csr: x509.Pkcs10CertificateRequest): Claim[] {
  try {
    const out: Claim[] = [];
    for (const rdn of csr.subjectName.toJSON()) {
      for (const [type, values] of Object.entries(rdn)) {
        for (const value of values) out.push({ type, value: String(value) });
      }
    }
    return out;
  } catch {
    throw badCsr(errorText('error.csr.subject'));
  }
}

function readExtensions(csr: x509.Pkcs10CertificateRequest): x509.Extension[] {
  let attributes: Attribute[];
  try {
    attributes = AsnConvert.parse(csr.rawData, CertificationRequest).certificationRequestInfo.attributes;
  } catch {
    throw badCsr(errorText('error.csr.attributes'));
  }
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
function claims(csr: x509.Pkcs10CertificateRequest): Claim[] {
  const out = readSubject(csr);
  for (const extension of readExtensions(csr)) {
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
  publicKey: x509.PublicKey;
  /** The request's names that are not the applicant's and were left out ("subject CN=…"). */
  ignored: string[];
}

/**
 * Returns the request's public key once every check passes, with the names it held that are not
 * the applicant's; throws `bad_csr` otherwise. Without an applicant (their other fields were
 * invalid) only the request itself is checked, and nothing is reported as ignored.
 */
export async function checkCsr(pem: string, who: Applicant | undefined, minBits: number): Promise<CheckedCsr> {
  const csr = parse(pem);
  checkKey(csr, minBits);
  let verified = false;
  try {
    verified = await csr.verify();
  } catch {
    verified = false;
  }
  if (!verified) {
    throw badCsr(errorText('error.csr.signature'));
  }
  const named = claims(csr);
  return { publicKey: csr.publicKey, ignored: who ? ignoredNames(named, who) : [] };
}
