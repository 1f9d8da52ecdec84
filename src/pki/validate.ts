// Decides whether a certificate presented by a client is one of ours and usable now (protocol §3).
// Trust comes only from our intermediate's signature and our own issuance record — never from the
// subject, the issuer name or the public key, which a pirate can copy.
import { CertificateRejected } from '../protocol/errors.ts';
import type { Authority } from './authority.ts';
import type { CertificateRecord, CertificateRecords } from './records.ts';
import { fingerprint, x509 } from './x509.ts';
import { errorText } from '../protocol/error-messages.ts';

export interface Validated {
  cert: x509.X509Certificate;
  record: CertificateRecord;
}

export function parseCertificate(pem: string): x509.X509Certificate {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (!blocks || blocks.length !== 1) {
    throw new CertificateRejected('bad_certificate', errorText('error.cert.onePem'));
  }
  try {
    return new x509.X509Certificate(blocks[0]);
  } catch {
    throw new CertificateRejected('bad_certificate', errorText('error.cert.unreadable'));
  }
}

/** Whether our intermediate signed these bytes: its name as issuer and its key's signature. */
export async function signedByIntermediate(cert: x509.X509Certificate, ca: Authority): Promise<boolean> {
  try {
    return cert.issuer === ca.intermediate.subject && (await cert.verify({ publicKey: ca.intermediate.publicKey, signatureOnly: true }));
  } catch {
    return false;
  }
}

/**
 * Chain and validity: signed by our intermediate and recorded by us as issued, inside its validity
 * window (and the CA's), a client certificate. Ownership and revocation are the caller's next steps
 * because their order matters to it (see src/auth/login.ts).
 */
export async function validateIssued(
  cert: x509.X509Certificate,
  ca: Authority,
  records: CertificateRecords,
  now: Date,
): Promise<Validated> {
  const untrusted = () =>
    new CertificateRejected('untrusted_issuer', errorText('error.cert.untrusted'));
  if (!(await signedByIntermediate(cert, ca))) throw untrusted();
  const record = await records.byFingerprint(await fingerprint(cert));
  if (!record || record.state !== 'issued') throw untrusted();

  const t = now.getTime();
  if (t < cert.notBefore.getTime()) throw new CertificateRejected('not_yet_valid', errorText('error.cert.notYetValid', { notBefore: cert.notBefore.toISOString() }));
  if (t > cert.notAfter.getTime()) {
    throw new CertificateRejected('expired', errorText('error.cert.expired', { notAfter: cert.notAfter.toISOString() }), { notAfter: cert.notAfter.toISOString() });
  }
  if (t > ca.intermediate.notAfter.getTime()) throw new CertificateRejected('expired', errorText('error.cert.caExpired'));

  const ku = cert.getExtension(x509.KeyUsagesExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  if (bc?.ca || !ku || !(ku.usages & x509.KeyUsageFlags.digitalSignature) || !eku?.usages.includes(x509.ExtendedKeyUsage.clientAuth)) {
    throw new CertificateRejected('bad_certificate', errorText('error.cert.notUser'));
  }
  return { cert, record };
}

/** RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32, with the certificate's key (protocol §3 and §5). */
export async function verifyPss(cert: x509.X509Certificate, data: BufferSource, signature: BufferSource): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey('spki', cert.publicKey.rawData, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, key, signature, data);
  } catch {
    return false;
  }
}
