// Checks a PKCS#10 request (protocol §2): one PEM block, a self-signature that verifies, an RSA key
// of at least the profile's size (an odd modulus, an odd exponent of at least 65537), and no claim
// to an identity other than the applicant's. Nothing else from the request is used: the subject and
// extensions of the certificate are written by us.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { DomainError } from '../protocol/errors.ts';
import { EMAIL_OID, UID_OID, x509 } from './x509.ts';

export interface Applicant {
  login: string;
  firstName: string;
  lastName: string;
  email: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function badCsr(message: string): DomainError {
  return new DomainError('bad_csr', message, { csr: message });
}

function parse(pem: string): x509.Pkcs10CertificateRequest {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  if (blocks.length !== 1 || !/^(NEW )?CERTIFICATE REQUEST$/.test(blocks[0][1])) {
    throw badCsr('This is not a PEM certificate request: paste one block from -----BEGIN CERTIFICATE REQUEST----- to -----END CERTIFICATE REQUEST-----.');
  }
  const body = blocks[0][2].replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw badCsr('The certificate request is not valid base64.');
  try {
    return new x509.Pkcs10CertificateRequest(Buffer.from(body, 'base64'));
  } catch {
    throw badCsr('The certificate request could not be read: it is not a DER PKCS#10 structure.');
  }
}

function checkKey(csr: x509.Pkcs10CertificateRequest, minBits: number): void {
  let key;
  try {
    key = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
  } catch {
    throw badCsr('The public key in the certificate request could not be read.');
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw badCsr(`The request holds a ${String(key.asymmetricKeyType).toUpperCase()} key; use an RSA key of ${minBits} bits or more.`);
  }
  // The modulus and exponent themselves, not what a header says of them: a key with e = 1 makes
  // "signing" the identity (anyone can forge), a small or even exponent or an even modulus is weak.
  const { n, e } = rsaNumbers(key);
  const bits = n.toString(2).length;
  if (key.asymmetricKeyDetails?.modulusLength !== bits || key.asymmetricKeyDetails?.publicExponent !== e) {
    throw badCsr('The public key in the certificate request could not be read.');
  }
  if (bits < minBits) throw badCsr(`The request's RSA key has ${bits} bits; use ${minBits} bits or more.`);
  if (n % 2n === 0n) throw badCsr("The request's RSA modulus is even, so it is not a real RSA key; make a new key.");
  if (e < MIN_EXPONENT || e % 2n === 0n || e >= n) {
    throw badCsr(`The request's RSA public exponent is ${e}; use a key with exponent 65537.`);
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
    throw badCsr('The public key in the certificate request could not be read.');
  }
}

/** Names the request claims: subject UID/CN/emailAddress and SAN emails or other names. */
function claims(csr: x509.Pkcs10CertificateRequest): { type: string; value: string }[] {
  const out: { type: string; value: string }[] = [];
  for (const rdn of csr.subjectName.toJSON()) {
    for (const [type, values] of Object.entries(rdn)) {
      for (const value of values) out.push({ type, value: String(value) });
    }
  }
  const raw = csr.getExtension('2.5.29.17');
  const san = raw && new x509.SubjectAlternativeNameExtension(raw.rawData);
  for (const name of san?.names.items ?? []) out.push({ type: `san:${name.type}`, value: name.value });
  return out;
}

function checkIdentity(csr: x509.Pkcs10CertificateRequest, who: Applicant): void {
  const fullName = `${who.firstName} ${who.lastName}`.toLowerCase();
  const email = who.email.toLowerCase();
  for (const { type, value } of claims(csr)) {
    const v = value.trim().toLowerCase();
    const ok =
      type === UID_OID || type === 'UID'
        ? v === who.login
        : type === 'CN'
          ? v === who.login || v === fullName
          : type === EMAIL_OID || type === 'E' || type === 'san:email'
            ? v === email
            : type.startsWith('san:')
              ? false
              : true; // O, OU, C, L…: ignored, never copied
    if (!ok) {
      const shown = type.startsWith('san:') ? `subjectAltName ${type.slice(4)}:${value}` : `${type === UID_OID ? 'UID' : type}=${value}`;
      throw badCsr(
        `The request names another identity (${shown}). Leave its subject empty or use your own login, name and email: the certificate is written with those.`,
      );
    }
  }
}

/**
 * Returns the request's public key once every check passes; throws `bad_csr` otherwise. Without an
 * applicant (their other fields were invalid) only the request itself is checked.
 */
export async function checkCsr(pem: string, who: Applicant | undefined, minBits: number): Promise<x509.PublicKey> {
  const csr = parse(pem);
  checkKey(csr, minBits);
  let verified = false;
  try {
    verified = await csr.verify();
  } catch {
    verified = false;
  }
  if (!verified) {
    throw badCsr("The request's self-signature does not verify: it was altered, or signed with a key other than the one it contains.");
  }
  if (who) checkIdentity(csr, who);
  return csr.publicKey;
}
