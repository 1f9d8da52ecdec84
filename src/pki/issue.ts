// Issues certificates from the intermediate CA. The subject, SAN and extensions are written here
// from directory data only (protocol §2); the card number and the password never reach this module.
import { CA_SIGNING, UID_OID, fingerprint, keyIdentifier, randomSerial, toPem, x509, type CertifiableKey } from './x509.ts';
import type { StagedRecord } from './records.ts';
import type { EnrollResponse } from '../protocol/enroll.ts';
import { extKeyUsage, keyUsage, revocationLinks } from './extensions.ts';
import type { Authority } from './authority.ts';
import type { LeafProfile } from './profiles.ts';
import * as der from './der.ts';
import { wholeSeconds } from './crl.ts';
import { DomainError } from '../protocol/errors.ts';
import { errorText, type Said } from '../protocol/error-messages.ts';

const DAY = 86_400_000;

export interface Subject {
  login: string;
  firstName: string;
  lastName: string;
  email: string;
}

export interface IssueOptions {
  publicUrl: string;
  notBefore: Date;
  days: number;
}

/** X.520's PrintableString alphabet: @peculiar/x509's Name writes a value as one when it can, else as UTF8String. */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const directoryString = (text: string) => der.tlv(PRINTABLE.test(text) ? der.TAG.PRINTABLE_STRING : der.TAG.UTF8_STRING, Buffer.from(text, 'utf8'));
/** A RelativeDistinguishedName of one attribute: SET { SEQUENCE { type, value } }. */
const rdn = (type: string, value: Uint8Array) => der.tlv(der.TAG.SET, der.sequence(der.oid(type), value));
const CN = '2.5.4.3';
const O = '2.5.4.10';
const ORGANIZATION = rdn(O, directoryString('TEKUP_chat'));

/**
 * UID=login, CN=first and last name, O=TEKUP_chat, written in DER directly, as @peculiar/x509's
 * Name writes them (tests hold the two together) but without its string parsing ("#…" read as
 * hex, quotes and backslashes unescaped): the directory's text goes in exactly as it is.
 */
export function userSubject(who: Subject): Uint8Array<ArrayBuffer> {
  return der.sequence(rdn(UID_OID, directoryString(who.login)), rdn(CN, directoryString(`${who.firstName} ${who.lastName}`)), ORGANIZATION);
}

const SUBJECT_ALT_NAME = der.oid('2.5.29.17');

/** subjectAltName with one rfc822Name (`[1] IA5String`), not critical; assertWritable made it ASCII. */
function emailAltName(email: string): Uint8Array<ArrayBuffer> {
  return der.sequence(SUBJECT_ALT_NAME, der.octetString(der.sequence(der.tlv(der.contextPrimitiveTag(1), Buffer.from(email, 'latin1')))));
}

/**
 * What every certificate of one profile shares (constraints, usages, issuer key id, CRL and OCSP
 * links) is encoded once per CA, profile and public URL: only the subject's SAN and SKI differ.
 * `head` goes before them and `tail` after, each the DER of its Extension values one after another.
 */
const shared = new WeakMap<Authority, Map<string, Promise<{ issuer: Uint8Array; head: Uint8Array; tail: Uint8Array }>>>();

function sharedParts(ca: Authority, profile: LeafProfile, publicUrl: string) {
  let byKey = shared.get(ca);
  if (!byKey) shared.set(ca, (byKey = new Map()));
  const key = JSON.stringify([publicUrl, profile.keyUsage, profile.extKeyUsage]);
  let parts = byKey.get(key);
  if (!parts) {
    parts = (async () => ({
      issuer: new Uint8Array(ca.intermediate.subjectName.toArrayBuffer()),
      head: extensionsDer([new x509.BasicConstraintsExtension(false, undefined, true), keyUsage(profile.keyUsage), extKeyUsage(profile.extKeyUsage)]),
      tail: extensionsDer([await x509.AuthorityKeyIdentifierExtension.create(ca.intermediate.publicKey), ...revocationLinks(publicUrl)]),
    }))();
    byKey.set(key, parts);
  }
  return parts;
}

const extensionsDer = (extensions: x509.Extension[]) => der.concat(extensions.map((e) => new Uint8Array(e.rawData)));

const SHA256_WITH_RSA = der.sequence(der.oid('1.2.840.113549.1.1.11'), new Uint8Array([0x05, 0x00]));
const V3 = der.explicit(0, der.integerContent(new Uint8Array([2])));

const SUBJECT_KEY_IDENTIFIER = der.oid('2.5.29.14');

/** RFC 5280 §4.2.1.2 method (1): the SHA-1 of the subjectPublicKey bits, not critical. */
function subjectKeyIdentifier(spki: Uint8Array): Uint8Array {
  return der.sequence(SUBJECT_KEY_IDENTIFIER, der.octetString(der.octetString(keyIdentifier(spki))));
}

/** A certificate just signed: its DER and what its record needs, without parsing it back. */
export interface SignedCertificate {
  der: Uint8Array<ArrayBuffer>;
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * RFC 5280 §4.1 written directly (src/pki/der.ts) around the pieces @peculiar/x509 encodes: the
 * names, the SAN and the other extensions. X509CertificateGenerator.create took ~3.3 ms of the
 * event loop per certificate, a third of an enrollment's; this takes well under 1 ms. Tests hold the result
 * to the generator's, byte for byte, and to openssl's reading.
 */
async function signLeaf(
  ca: Authority,
  profile: LeafProfile,
  subject: Uint8Array,
  publicKey: Uint8Array | CryptoKey,
  subjectAltName: Uint8Array,
  opts: IssueOptions,
): Promise<SignedCertificate> {
  const { issuer, head, tail } = await sharedParts(ca, profile, opts.publicUrl);
  const spki = publicKey instanceof Uint8Array ? publicKey : new Uint8Array(await crypto.subtle.exportKey('spki', publicKey));
  const serial = randomSerial();
  const notBefore = wholeSeconds(opts.notBefore);
  const notAfter = wholeSeconds(new Date(opts.notBefore.getTime() + opts.days * DAY));
  const tbs = der.sequence(
    V3,
    der.integerContent(Buffer.from(serial, 'hex')),
    SHA256_WITH_RSA,
    issuer,
    der.sequence(der.x509Time(notBefore), der.x509Time(notAfter)),
    subject,
    spki,
    der.explicit(3, der.sequence(head, subjectAltName, subjectKeyIdentifier(spki), tail)),
  );
  const signature = new Uint8Array(await crypto.subtle.sign(CA_SIGNING, ca.signingKey, tbs));
  return { der: der.sequence(tbs, SHA256_WITH_RSA, der.bitString(signature)), serial, notBefore, notAfter };
}

/** The SAN's rfc822Name is an IA5String: printable ASCII without the space is what an address may hold. */
const IA5_EMAIL = /^[\x21-\x7e]{3,254}$/;
/** C0, DEL and C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Bidirectional embeddings, overrides, isolates and marks: they make a name read as another. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const writableText = (s: string) => s.length > 0 && s.isWellFormed() && !CONTROL.test(s) && !BIDI.test(s);

/**
 * Defence in depth behind the enrollment schema (src/protocol/enroll.ts): every string written
 * into a user certificate must be encoded exactly as given, never approximated. The email goes in
 * as an IA5String, of which @peculiar/x509 keeps only the low byte of each UTF-16 unit (so "Ŷ"
 * would be written "v"); the UID and CN go in as UTF8String, where a lone surrogate would become
 * U+FFFD. A directory entry that cannot be written exactly is refused, not issued.
 */
function assertWritable(who: Subject): void {
  const fields: Record<string, Said> = {};
  if (!IA5_EMAIL.test(who.email) || !who.email.includes('@')) {
    fields.email = errorText('error.cert.unwritable.email');
  }
  for (const key of ['login', 'firstName', 'lastName'] as const) {
    if (!writableText(who[key])) fields[key] = errorText('error.cert.unwritable.text');
  }
  const bad = Object.keys(fields);
  if (bad.length) throw new DomainError('validation', errorText('error.cert.unwritable', { fields: bad.join(', ') }), fields);
}

/** `spki`: the DER SubjectPublicKeyInfo to certify. */
async function userLeaf(ca: Authority, profile: LeafProfile, who: Subject, spki: Uint8Array, opts: IssueOptions): Promise<SignedCertificate> {
  assertWritable(who);
  return signLeaf(ca, profile, userSubject(who), spki, emailAltName(who.email), opts);
}

export function issueUserCertificate(
  ca: Authority,
  profile: LeafProfile,
  who: Subject,
  spki: Uint8Array,
  opts: IssueOptions,
): Promise<x509.X509Certificate> {
  return userLeaf(ca, profile, who, spki, opts).then((c) => new x509.X509Certificate(c.der));
}

/** The HTTPS certificate of the server itself, for the given DNS names and IP addresses. */
export function issueServerCertificate(
  ca: Authority,
  profile: LeafProfile,
  names: string[],
  publicKey: CryptoKey,
  opts: IssueOptions,
): Promise<x509.X509Certificate> {
  const san = names.map((n) => ({ type: /^[\d.]+$|:/.test(n) ? ('ip' as const) : ('dns' as const), value: n }));
  const subject = new Uint8Array(new x509.Name([{ CN: [names[0]] }, { O: ['TEKUP_chat'] }]).toArrayBuffer());
  return signLeaf(ca, profile, subject, publicKey, new Uint8Array(new x509.SubjectAlternativeNameExtension(san, false).rawData), opts).then((c) => new x509.X509Certificate(c.der));
}

export interface Issued {
  /** Ready to stage: state `pending`. */
  record: StagedRecord;
}

/** Protocol §2's answer for an issued certificate, given by enrollment and renewal alike. */
export type IssuedAnswer = EnrollResponse;

/** Issues user certificates with one profile, lifetime and set of links, and describes the result. */
export class UserIssuer {
  private readonly ca: Authority;
  private readonly profile: LeafProfile;
  private readonly publicUrl: string;
  private readonly days: number;
  readonly now: () => Date;
  readonly minKeyBits: number;

  constructor(o: { ca: Authority; profile: LeafProfile & { minKeyBits: number }; publicUrl: string; days: number; now: () => Date }) {
    this.ca = o.ca;
    this.profile = o.profile;
    this.publicUrl = o.publicUrl;
    this.days = o.days;
    this.now = o.now;
    this.minKeyBits = o.profile.minKeyBits;
  }

  /** `device`: the record's device name and what it supersedes (protocol §6). */
  async issue(who: Subject, key: CertifiableKey, device: { deviceName?: string; supersedes?: string[] } = {}): Promise<Issued> {
    const now = this.now();
    const cert = await userLeaf(this.ca, this.profile, who, key.spki, { publicUrl: this.publicUrl, notBefore: now, days: this.days });
    return {
      record: {
        serial: cert.serial,
        login: who.login,
        fingerprint: await fingerprint(cert.der),
        der: cert.der,
        notBefore: cert.notBefore.toISOString(),
        notAfter: cert.notAfter.toISOString(),
        issuedAt: now.toISOString(),
        state: 'pending',
        keyHash: key.hash,
        ...(device.deviceName ? { deviceName: device.deviceName } : {}),
        ...(device.supersedes?.length ? { supersedes: [...device.supersedes] } : {}),
      },
    };
  }

  /** `ignored`: the request's names that were left out (src/pki/csr.ts), in the answer only when there are some. */
  answer({ record }: Issued, ignored: readonly string[] = []): IssuedAnswer {
    return {
      login: record.login,
      serial: record.serial,
      fingerprint: record.fingerprint,
      notAfter: record.notAfter,
      certificate: toPem(record.der),
      chain: this.ca.chainPem,
      ...(ignored.length ? { ignored: [...ignored] } : {}),
    };
  }
}
