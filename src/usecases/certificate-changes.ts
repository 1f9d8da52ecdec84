// A person changing their own certificate — renewing it for a new key, or revoking it — or the
// operator revoking someone's, and the line that leaves in the owner's security activity. Lifecycle
// and Revocation (pki) do the change; the activity (auth) is written here, so no route and no
// command records anything itself.
import type { Activity, ActivityOrigin } from '../auth/activity.ts';
import type { IssuedAnswer } from '../pki/issue.ts';
import type { Lifecycle, UserRevocationReason } from '../pki/lifecycle.ts';
import type { CertificateRecord, RevocationReason } from '../pki/records.ts';
import type { Revocation } from '../pki/revocation.ts';

export class CertificateChanges {
  private readonly lifecycle: Lifecycle;
  private readonly revocation: Revocation;
  private readonly activity: Activity;
  constructor(d: { lifecycle: Lifecycle; revocation: Revocation; activity: Activity }) {
    this.lifecycle = d.lifecycle;
    this.revocation = d.revocation;
    this.activity = d.activity;
  }

  async renew(login: string, csr: string, reason: 'superseded' | 'keyCompromise', origin?: ActivityOrigin): Promise<IssuedAnswer> {
    const renewed = await this.lifecycle.renew(login, csr, reason);
    await this.activity.record(login, 'certificate_renewed', { serial: renewed.serial, reason }, origin);
    return renewed;
  }

  async revoke(login: string, reason: UserRevocationReason, origin?: ActivityOrigin): Promise<CertificateRecord> {
    const r = await this.lifecycle.revokeCurrent(login, reason);
    await this.activity.record(r.login, 'certificate_revoked', { serial: r.serial, reason: r.revocationReason, by: 'you' }, origin);
    return r;
  }

  /** The operator's revocation: one certificate by serial, or every valid one of a login. */
  async revokeByOperator(target: { serial: string } | { login: string }, reason: RevocationReason): Promise<CertificateRecord[]> {
    const done = 'serial' in target ? [await this.revocation.revokeSerial(target.serial, reason)] : await this.revocation.revokeLogin(target.login, reason);
    for (const r of done) await this.activity.record(r.login, 'certificate_revoked', { serial: r.serial, reason, by: 'operator' });
    return done;
  }
}
