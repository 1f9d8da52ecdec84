// Registration (protocol §2): check the request, hash the password, sign the certificate, and hand
// the directory one unit of work holding both the user entry and the certificate record.
import type { EnrollRequest, EnrollResponse } from '../protocol/enroll.ts';
import { DomainError } from '../protocol/errors.ts';
import { hashPassword } from '../auth/password.ts';
import type { Directory } from '../directory/directory.ts';
import { conflictError } from '../directory/conflict.ts';
import { checkCsr } from '../pki/csr.ts';
import type { UserIssuer } from '../pki/issue.ts';
import type { CertificateRecords } from '../pki/records.ts';
import { refuseCertifiedKey, stageFresh } from '../pki/fresh-key.ts';
import { DEVICE_NAME_MAX } from '../protocol/devices.ts';
import { deviceText } from '../shared/format.ts';

export interface EnrollmentDeps {
  issuer: UserIssuer;
  records: CertificateRecords;
  directory: Directory;
  passwordIterations: number;
}

export class Enrollment {
  private readonly d: EnrollmentDeps;
  constructor(deps: EnrollmentDeps) {
    this.d = deps;
  }

  /** The CSR's own problem as a sentence, or undefined; used to report every failing field at once. */
  async csrProblem(pem: string): Promise<string | undefined> {
    try {
      await refuseCertifiedKey(this.d.records, (await checkCsr(pem, undefined, this.d.issuer.minKeyBits)).key, 'enrollment');
      return undefined;
    } catch (err) {
      if (err instanceof DomainError) return err.message;
      throw err;
    }
  }

  /** `userAgent` names the device when the request does not (protocol §6). */
  async enroll(req: EnrollRequest, userAgent?: string): Promise<EnrollResponse> {
    const { issuer, records, directory } = this.d;
    const { key, ignored } = await checkCsr(req.csr, req, issuer.minKeyBits);
    const taken = await directory.findConflicts(req);
    if (taken.length) throw conflictError(taken);
    // After the conflicts: a registration sent again after a lost answer hears its login is taken.
    await refuseCertifiedKey(records, key, 'enrollment');

    const passwordHash = await hashPassword(req.password, this.d.passwordIterations);
    const issued = await issuer.issue(req, key, { deviceName: req.deviceName ?? deviceText(userAgent ?? null).slice(0, DEVICE_NAME_MAX) });
    const { record } = issued;
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
      stage: () => stageFresh(records, record, 'enrollment'),
      confirm: () => records.confirm(record.serial),
      discard: () => records.discard(record.serial),
    });
    return issuer.answer(issued, ignored);
  }
}
