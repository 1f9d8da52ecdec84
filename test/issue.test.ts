// User and server certificates are written directly in DER (src/pki/issue.ts, src/pki/der.ts) for
// speed. These tests hold them to what @peculiar/x509's own generator makes from the same inputs:
// RSASSA-PKCS1-v1_5 signatures are deterministic, so the two must agree byte for byte.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserIssuer, issueServerCertificate, issueUserCertificate } from '../src/pki/issue.ts';
import { PROFILES, type LeafProfile } from '../src/pki/profiles.ts';
import { extKeyUsage, keyUsage, revocationLinks } from '../src/pki/extensions.ts';
import { CA_SIGNING, UID_OID, fingerprint, keyHash, x509, type CertifiableKey } from '../src/pki/x509.ts';
import { spkiKeyBits } from '../src/pki/der.ts';
import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { testCa } from './helpers/ca.ts';
import { DomainError } from '../src/protocol/errors.ts';

const DAY = 86_400_000;

/** What @peculiar/x509 makes of a user's names, for the reference certificate. */
const referenceSubject = (who: { login: string; firstName: string; lastName: string }) =>
  new x509.Name([{ [UID_OID]: [who.login] }, { CN: [`${who.firstName} ${who.lastName}`] }, { O: ['TEKUP_chat'] }], { UID: UID_OID });

async function newKey(): Promise<CertifiableKey> {
  const keys = await crypto.subtle.generateKey({ ...CA_SIGNING, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
  return { spki, hash: keyHash(spki) };
}

async function reference(ca: Awaited<ReturnType<typeof testCa>>['ca'], made: x509.X509Certificate, subject: x509.Name, san: x509.JsonGeneralNames, publicUrl: string, profile: LeafProfile = PROFILES.user) {
  return x509.X509CertificateGenerator.create({
    serialNumber: made.serialNumber,
    subject,
    issuer: ca.intermediate.subjectName,
    notBefore: made.notBefore,
    notAfter: made.notAfter,
    publicKey: made.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: CA_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      keyUsage(profile.keyUsage),
      extKeyUsage(profile.extKeyUsage),
      new x509.SubjectAlternativeNameExtension(san, false),
      await x509.SubjectKeyIdentifierExtension.create(made.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.intermediate.publicKey),
      ...revocationLinks(publicUrl),
    ],
  });
}

describe('issued certificates', () => {
  it('are byte for byte what @peculiar/x509 generates from the same inputs (user: UID, UTF-8 names; server: DNS and IP)', async () => {
    const { ca } = await testCa();
    const keys = await crypto.subtle.generateKey({ ...CA_SIGNING, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify']);
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
    const publicUrl = 'https://chat.example.org:8443';
    for (const who of [
      { login: 'alice', firstName: 'Alice', lastName: 'Martin', email: 'alice@example.org' },
      { login: 'zoe_2', firstName: 'Zoé', lastName: "Ben Saïd-O'Neil", email: 'Zoe.B@example.org' },
    ]) {
      // Whole seconds, as a certificate keeps them; and a date past 2049, which needs GeneralizedTime.
      for (const [notBefore, days] of [[new Date('2026-11-25T10:20:30.456Z'), 365], [new Date('2049-06-01T00:00:00Z'), 400]] as const) {
        const made = await issueUserCertificate(ca, PROFILES.user, who, spki, { publicUrl, notBefore, days });
        assert.equal(made.notBefore.toISOString(), new Date(Math.floor(notBefore.getTime() / 1000) * 1000).toISOString());
        assert.equal(made.notAfter.getTime() - made.notBefore.getTime(), days * DAY);
        const ref = await reference(ca, made, referenceSubject(who), [{ type: 'email', value: who.email }], publicUrl);
        assert.deepEqual(new Uint8Array(made.rawData), new Uint8Array(ref.rawData), `${who.login} from ${notBefore.toISOString()}`);
        assert.ok(await made.verify({ publicKey: ca.intermediate.publicKey, signatureOnly: true }));
      }
    }
    const names = ['tekup.example.org', '127.0.0.1', '::1'];
    const made = await issueServerCertificate(ca, PROFILES.server, names, keys.publicKey, { publicUrl, notBefore: new Date(), days: 30 });
    const san = [
      { type: 'dns' as const, value: 'tekup.example.org' },
      { type: 'ip' as const, value: '127.0.0.1' },
      { type: 'ip' as const, value: '::1' },
    ];
    const ref = await reference(ca, made, new x509.Name([{ CN: [names[0]] }, { O: ['TEKUP_chat'] }]), san, publicUrl, PROFILES.server);
    assert.deepEqual(new Uint8Array(made.rawData), new Uint8Array(ref.rawData));
  });

  it('get a fresh random serial each, positive and without a padding zero', async () => {
    const { ca } = await testCa();
    const key = await newKey();
    const serials = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const c = await issueUserCertificate(ca, PROFILES.user, { login: 'bob', firstName: 'Bob', lastName: 'B', email: 'b@example.org' }, key.spki, { publicUrl: 'http://127.0.0.1:1', notBefore: new Date(), days: 1 });
      assert.match(c.serialNumber, /^[0-7][0-9a-f]{31}$/);
      assert.notEqual(c.serialNumber.slice(0, 2), '00');
      serials.add(c.serialNumber);
    }
    assert.equal(serials.size, 20);
  });

  it('are described by the issuer (record and protocol §2 answer) exactly as parsing them says', async () => {
    const { ca } = await testCa();
    const key = await newKey();
    const now = new Date('2026-11-25T08:00:00.789Z');
    const issuer = new UserIssuer({ ca, profile: PROFILES.user, publicUrl: 'http://127.0.0.1:1', days: 30, now: () => now });
    const issued = await issuer.issue({ login: 'carol', firstName: 'Carol', lastName: 'C', email: 'c@example.org' }, key);
    const cert = new x509.X509Certificate(new Uint8Array(issued.record.der));
    assert.equal(issued.record.serial, cert.serialNumber);
    assert.equal(issued.record.fingerprint, await fingerprint(cert));
    assert.equal(issued.record.notBefore, cert.notBefore.toISOString());
    assert.equal(issued.record.notAfter, cert.notAfter.toISOString());
    assert.equal(issued.record.notBefore, '2026-11-25T08:00:00.000Z');
    assert.equal(issued.record.issuedAt, now.toISOString());
    const answer = issuer.answer(issued);
    assert.equal(answer.certificate, cert.toString('pem') + '\n');
    assert.equal(answer.fingerprint, issued.record.fingerprint);
  });
});

describe('what the issuer agrees to write', () => {
  const good = { login: 'dave', firstName: 'Dave', lastName: 'D', email: 'd@example.org' };
  const cases: [keyof typeof good, string][] = [
    ['email', '\u0176ictim@example.org'], // "Ŷ": its low byte is "v"
    ['email', 'zo\u00e9@example.org'],
    ['email', 'a\u0000b@example.org'],
    ['email', 'a\u0001b@example.org'],
    ['email', 'a\u007fb@example.org'],
    ['email', 'a\ud800b@example.org'],
    ['email', 'a b@example.org'],
    ['firstName', 'Da\u0001ve'],
    ['firstName', 'Da\u202eve'],
    ['lastName', 'D\ud800'],
    ['lastName', 'D\u0085'],
    ['login', 'da\u007fve'],
  ];

  it('refuses, even when called directly, an email that is not printable ASCII and names with control, bidi-override or unpaired surrogate characters', async () => {
    const { ca } = await testCa();
    const key = await newKey();
    const issuer = new UserIssuer({ ca, profile: PROFILES.user, publicUrl: 'http://127.0.0.1:1', days: 30, now: () => new Date() });
    const refused = (field: string) => (err: unknown) => err instanceof DomainError && err.code === 'validation' && typeof err.fields?.[field] === 'string';
    for (const [field, value] of cases) {
      const who = { ...good, [field]: value };
      await assert.rejects(issueUserCertificate(ca, PROFILES.user, who, key.spki, { publicUrl: 'http://127.0.0.1:1', notBefore: new Date(), days: 1 }), refused(field), JSON.stringify(value));
      await assert.rejects(issuer.issue(who, key), refused(field), JSON.stringify(value));
    }
    // And what it does write is the string it was given, exactly.
    const email = "o'k+x!{y}%z@mail.example-1.org";
    const cert = await issueUserCertificate(ca, PROFILES.user, { ...good, email, firstName: 'Zoë' }, key.spki, { publicUrl: 'http://127.0.0.1:1', notBefore: new Date(), days: 1 });
    assert.deepEqual(cert.getExtension(x509.SubjectAlternativeNameExtension)!.names.toJSON(), [{ type: 'email', value: email }]);
    assert.equal(cert.subjectName.getField('CN')[0], 'Zoë D');
    // Text that @peculiar/x509's Name would parse (hex after "#", quotes, backslash escapes), as a
    // directory such as LDAP may hold it: written as it is all the same.
    const odd = { ...good, login: '#0c01', firstName: '"Da" \\ve', lastName: 'D\\0a' };
    const oddCert = await issueUserCertificate(ca, PROFILES.user, odd, key.spki, { publicUrl: 'http://127.0.0.1:1', notBefore: new Date(), days: 1 });
    assert.equal(oddCert.subjectName.getField(UID_OID)[0], '#0c01');
    assert.equal(oddCert.subjectName.getField('CN')[0], `${odd.firstName} ${odd.lastName}`);
  });
});

describe('spkiKeyBits', () => {
  it('finds the subjectPublicKey bits of RSA and EC keys as asn1-schema reads them, and refuses other shapes', async () => {
    for (const params of [
      { ...CA_SIGNING, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
      { ...CA_SIGNING, modulusLength: 4096, publicExponent: new Uint8Array([1, 0, 1]) },
      { name: 'ECDSA', namedCurve: 'P-256' },
    ]) {
      const keys = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
      const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
      assert.deepEqual(spkiKeyBits(spki), new Uint8Array(AsnConvert.parse(spki, SubjectPublicKeyInfo).subjectPublicKey));
      assert.throws(() => spkiKeyBits(spki.subarray(0, spki.length - 1)), RangeError);
    }
    for (const bad of [new Uint8Array(), new Uint8Array([0x30, 0x00]), new Uint8Array([0x04, 0x02, 0x00, 0x00]), new Uint8Array([0x30, 0x85, 1, 1, 1, 1, 1])]) {
      assert.throws(() => spkiKeyBits(bad), RangeError);
    }
  });
});

describe('toPem', () => {
  it('writes what @peculiar/x509 writes, for DER of every length modulo 48 (the base64 of a 64-character line)', async () => {
    const { toPem } = await import('../src/pki/x509.ts');
    for (let n = 1; n <= 200; n++) {
      const der = new Uint8Array(n).map((_, i) => (i * 37 + n) & 0xff);
      assert.equal(toPem(der), x509.PemConverter.encode(der, 'CERTIFICATE') + '\n', `${n} bytes`);
      assert.equal(toPem(der.subarray(0)), toPem(new Uint8Array(der)), 'a view reads its own bytes only');
    }
    const inView = new Uint8Array(300).fill(7).subarray(100, 150);
    assert.equal(toPem(inView), x509.PemConverter.encode(new Uint8Array(inView), 'CERTIFICATE') + '\n');
  });
});
