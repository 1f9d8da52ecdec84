// Registration (protocol §2): check the request, hash the password, sign the certificate, and hand
// the directory one unit of work holding both the user entry and the certificate record.
import type { EnrollRequest, EnrollResponse } from '../protocol/enroll.ts';
import { DomainError } from '../protocol/errors.ts';
import { hashPassword } from '../auth/password.ts';
import type { Directory } from '../directory/directory.ts';
import { conflictError } from '../directory/conflict.ts';
import type { Authority } from './authority.ts';
import { checkCsr } from './csr.ts';
import { issueUserCertificate } from './issue.ts';
import type { Profiles } from './profiles.ts';
import type { CertificateRecord, CertificateRecords } from './records.ts';
import { fingerprint, toPem } from './x509.ts';

export interface EnrollmentDeps {
  ca: Authority;
  records: CertificateRecords;
  directory: Directory;
  profiles: Profiles;
  publicUrl: string;
  certDays: number;
  passwordIterations: number;
  now: () => Date;
}

export class Enrollment {
  private readonly d: EnrollmentDeps;
  constructor(deps: EnrollmentDeps) {
    this.d = deps;
  }

  /** The CSR's own problem as a sentence, or undefined; used to report every failing field at once. */
  async csrProblem(pem: string): Promise<string | undefined> {
    try {
      await checkCsr(pem, undefined, this.d.profiles.user.minKeyBits);
      return undefined;
    } catch (err) {
      if (err instanceof DomainError) return err.message;
      throw err;
    }
  }

  async enroll(req: EnrollRequest): Promise<EnrollResponse> {
    const { ca, records, directory, profiles } = this.d;
    const publicKey = await checkCsr(req.csr, req, profiles.user.minKeyBits);
    const taken = await directory.findConflict(req);
    if (taken) throw conflictError(taken);

    const passwordHash = await hashPassword(req.password, this.d.passwordIterations);
    const now = this.d.now();
    const cert = await issueUserCertificate(ca, profiles.user, req, publicKey, {
      publicUrl: this.d.publicUrl,
      notBefore: now,
      days: this.d.certDays,
    });
    const record: CertificateRecord = {
      serial: cert.serialNumber,
      login: req.login,
      fingerprint: await fingerprint(cert),
      der: new Uint8Array(cert.rawData),
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      issuedAt: now.toISOString(),
      state: 'pending',
    };
    await directory.register({
      user: {
        login: req.login,
        cardNumber: req.cardNumber,
        firstName: req.firstName,
        lastName: req.lastName,
        email: req.email,
        passwordHash,
        certificate: record.der,
        createdAt: record.issuedAt,
      },
      stage: () => records.stage(record),
      confirm: () => records.confirm(record.serial),
      discard: () => records.discard(record.serial),
    });
    return {
      login: req.login,
      serial: record.serial,
      fingerprint: record.fingerprint,
      notAfter: record.notAfter,
      certificate: toPem(cert),
      chain: ca.chainPem,
    };
  }
}
