// Anyone may ask the authority about a certificate they hold: did TEKUP_chat issue it, to whom, and
// can it still be relied on. The answer rests on the same two facts as a login (src/pki/validate.ts):
// our intermediate's signature and our own record of issuing it. What the certificate says about
// itself (subject, issuer name, key) is reported as written, never trusted.
import { currentCertificates } from './current.ts';
import type { CertificateCheck, CertificateFacts } from '../protocol/certificate.ts';
import { validationError } from '../protocol/errors.ts';
import type { Authority } from './authority.ts';
import type { CertificateRecords } from './records.ts';
import { standing } from './status.ts';
import { signedByIntermediate } from './validate.ts';
import { fingerprint, nameText, x509 } from './x509.ts';

export interface CheckDeps {
  ca: Authority;
  records: CertificateRecords;
  now: () => Date;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Exactly one PEM certificate, or a `400 validation` on the `certificate` field saying what to fix. */
export function readOneCertificate(text: string): x509.X509Certificate {
  const blocks = text.match(PEM_BLOCK) ?? [];
  const wrong = (message: string) => validationError({ certificate: message });
  const [only, ...more] = blocks;
  if (only === undefined) {
    throw wrong(
      /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)
        ? 'That is a private key: never share it. Paste the certificate instead (-----BEGIN CERTIFICATE-----).'
        : 'Paste a certificate in PEM form, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----. A binary .cer or .der file converts with: openssl x509 -inform DER -in FILE',
    );
  }
  if (more.length > 0) throw wrong(`That holds ${blocks.length} certificates; check one at a time.`);
  try {
    return new x509.X509Certificate(only);
  } catch {
    throw wrong('That certificate could not be read: it is damaged or incomplete.');
  }
}

export class CertificateChecker {
  private readonly d: CheckDeps;

  constructor(deps: CheckDeps) {
    this.d = deps;
  }

  async check(pem: string): Promise<CertificateCheck> {
    const cert = readOneCertificate(pem);
    const { ca, records } = this.d;
    const facts: CertificateFacts = {
      serial: cert.serialNumber.toLowerCase(),
      fingerprint: await fingerprint(cert),
      subject: nameText(cert.subjectName),
      issuer: nameText(cert.issuerName),
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
    };
    if (facts.fingerprint === ca.rootFingerprint) return { issued: true, status: 'authority', role: 'root', ...facts };
    if (facts.fingerprint === ca.intermediateFingerprint) return { issued: true, status: 'authority', role: 'intermediate', ...facts };

    if (!signedByIntermediate(new Uint8Array(cert.rawData), ca)) return { issued: false, status: 'untrusted', ...facts };
    // Our signature on bytes we never recorded: the server's own TLS or OCSP certificate, or a
    // registration that died half-way (never handed out as a user certificate).
    const record = await records.byFingerprint(facts.fingerprint);
    if (!record || record.state !== 'issued') return { issued: false, status: 'unknown', ...facts };

    const { status, daysLeft, revokedAt, revocationReason } = standing(record, this.d.now());
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    return {
      issued: true,
      status,
      current: (await currentCertificates(this.d.records, record.login)).some((r) => r.serial === record.serial),
      login: record.login,
      name: cert.subjectName.getField('CN')[0] ?? '',
      email: san?.names.items.find((n) => n.type === 'email')?.value ?? '',
      daysLeft,
      ...(revokedAt ? { revokedAt, revocationReason } : {}),
      ...facts,
    };
  }
}
