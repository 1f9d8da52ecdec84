// Revocation by the operator (the admin command line): any certificate by serial, or every valid
// certificate of a login. Users revoking their own certificate go through src/pki/lifecycle.ts.
// Publication needs no step here: the CRL and OCSP answers read the same records.
import { DomainError } from '../protocol/errors.ts';
import type { Directory } from '../directory/directory.ts';
import type { CertificateRecord, CertificateRecords, RevocationReason } from './records.ts';
import { errorText } from '../protocol/error-messages.ts';

/** RFC 5280 §5.3.1 reasons that fit a user certificate (the CA-only ones and certificateHold are left out). */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const satisfies readonly RevocationReason[];

export interface RevocationDeps {
  records: CertificateRecords;
  directory: Directory;
  now: () => Date;
  /** Called with each serial revoked, so sessions opened with it end at once. */
  onRevoked: (serial: string, reason: RevocationReason) => Promise<void>;
}

export class Revocation {
  private readonly d: RevocationDeps;
  constructor(deps: RevocationDeps) {
    this.d = deps;
  }

  /** Revokes one issued certificate; refuses a serial we never issued or one already revoked. */
  async revokeSerial(serial: string, reason: RevocationReason): Promise<CertificateRecord> {
    const record = await this.d.records.get(serial);
    if (!record || record.state !== 'issued') throw new DomainError('not_found', errorText('error.certificate.notIssuedByCa', { serial }));
    if (record.revokedAt) {
      throw new DomainError('conflict', errorText('error.certificate.revokedAlready', { serial, login: record.login, revokedAt: String(record.revokedAt), reason: String(record.revocationReason) }));
    }
    return this.revoke(record, reason);
  }

  /**
   * Revokes every certificate of `login` that is still valid (issued, not revoked, not expired):
   * after this the login holds nothing that opens a session or verifies as good.
   */
  async revokeLogin(login: string, reason: RevocationReason): Promise<CertificateRecord[]> {
    const records = await this.d.records.forLogin(login);
    if (records.length === 0 && !(await this.d.directory.get(login))) throw new DomainError('not_found', errorText('error.user.unknown', { login }));
    const now = this.d.now().getTime();
    const valid = records.filter((r) => !r.revokedAt && Date.parse(r.notAfter) >= now);
    if (valid.length === 0) throw new DomainError('conflict', errorText('error.certificate.noneToRevoke', { login }));
    const done: CertificateRecord[] = [];
    for (const r of valid) done.push(await this.revoke(r, reason));
    return done;
  }

  private async revoke(record: CertificateRecord, reason: RevocationReason): Promise<CertificateRecord> {
    const at = this.d.now().toISOString();
    // Another process (the server, or a second operator) may have revoked it a moment ago.
    if (!(await this.d.records.revoke(record.serial, reason, at))) {
      const now = await this.d.records.get(record.serial);
      throw new DomainError('conflict', errorText('error.certificate.revokedMeanwhile', { serial: record.serial, at: now?.revokedAt ?? 'unknown time' }));
    }
    await this.d.onRevoked(record.serial, reason);
    return (await this.d.records.get(record.serial))!;
  }
}
