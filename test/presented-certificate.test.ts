// What a login trusts in a presented certificate (src/pki/validate.ts), read by node:crypto: our
// intermediate's signature, our record of issuing it, its validity, and that it is a user's
// certificate — a certificate our intermediate signed and recorded, but made for another purpose,
// is refused as not a user certificate.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCertificate, signedByIntermediate, validateIssued, verifyPss } from '../src/pki/validate.ts';
import { CA_SIGNING, fingerprint, randomSerial, toPem, x509 } from '../src/pki/x509.ts';
import { CertificateRejected } from '../src/protocol/errors.ts';
import { testCa, type TestCa } from './helpers/ca.ts';
import { FakeCertificateRecords } from './fakes/certificate-records.ts';

let ca: TestCa;
let keys: CryptoKeyPair;
const DAY = 86_400_000;

before(async () => {
  ca = await testCa();
  keys = (await crypto.subtle.generateKey(
    { name: 'RSA-PSS', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
});

/** A certificate our intermediate signs with the given extensions, recorded as issued to alice. */
async function recorded(extensions: x509.Extension[], records: FakeCertificateRecords, signer = ca.ca.signingKey) {
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=Alice',
    issuer: ca.ca.intermediate.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + DAY),
    publicKey: keys.publicKey,
    signingKey: signer,
    signingAlgorithm: CA_SIGNING,
    extensions,
  });
  const der = new Uint8Array(cert.rawData);
  records.seed({ serial: cert.serialNumber.toLowerCase(), login: 'alice', fingerprint: await fingerprint(cert), der, notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString(), issuedAt: new Date().toISOString(), state: 'issued' });
  return parseCertificate(toPem(cert));
}

const user = (usages = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, eku: string[] = [x509.ExtendedKeyUsage.clientAuth]) => [
  new x509.KeyUsagesExtension(usages, true),
  new x509.ExtendedKeyUsageExtension(eku),
  new x509.BasicConstraintsExtension(false),
];
const notUser = (err: unknown) => err instanceof CertificateRejected && err.reason === 'bad_certificate' && /not a TEKUP_chat user certificate/.test(err.message);

describe('validateIssued', () => {
  it('accepts a recorded user certificate of our intermediate, and its key verifies RSA-PSS signatures', async () => {
    const records = new FakeCertificateRecords();
    const cert = await recorded(user(), records);
    const { record } = await validateIssued(cert, ca.ca, records, new Date());
    assert.equal(record.login, 'alice');
    const data = new TextEncoder().encode('a challenge');
    const signature = new Uint8Array(await crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, keys.privateKey, data));
    assert.equal(verifyPss(cert, data, signature), true);
    signature[0] ^= 1;
    assert.equal(verifyPss(cert, data, signature), false);
  });

  it('refuses one without digitalSignature, without clientAuth, without key usage, or a CA, though signed and recorded', async () => {
    for (const extensions of [
      user(x509.KeyUsageFlags.keyEncipherment),
      user(undefined, [x509.ExtendedKeyUsage.serverAuth]),
      [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
      [...user().slice(0, 2), new x509.BasicConstraintsExtension(true, 0, true)],
    ]) {
      const records = new FakeCertificateRecords();
      await assert.rejects(validateIssued(await recorded(extensions, records), ca.ca, records, new Date()), notUser);
    }
  });

  it('refuses a recorded certificate signed by another key under our intermediate’s name, and an unrecorded one', async () => {
    const records = new FakeCertificateRecords();
    const pirate = await crypto.subtle.generateKey({ ...CA_SIGNING, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, false, ['sign', 'verify']);
    const forged = await recorded(user(), records, (pirate as CryptoKeyPair).privateKey);
    assert.equal(signedByIntermediate(forged, ca.ca), false);
    await assert.rejects(validateIssued(forged, ca.ca, records, new Date()), (e) => e instanceof CertificateRejected && e.reason === 'untrusted_issuer');
    const unrecorded = await recorded(user(), new FakeCertificateRecords());
    await assert.rejects(validateIssued(unrecorded, ca.ca, records, new Date()), (e) => e instanceof CertificateRejected && e.reason === 'untrusted_issuer');
  });

  it('refuses a certificate outside its validity window, naming the date', async () => {
    const records = new FakeCertificateRecords();
    const cert = await recorded(user(), records);
    await assert.rejects(validateIssued(cert, ca.ca, records, new Date(Date.now() + 2 * DAY)), (e) => e instanceof CertificateRejected && e.reason === 'expired');
    await assert.rejects(validateIssued(cert, ca.ca, records, new Date(Date.now() - 2 * DAY)), (e) => e instanceof CertificateRejected && e.reason === 'not_yet_valid');
  });
});
