// A person changing their own certificate — renewing it for a new key, or revoking it — and the
// line that leaves in their security activity. Lifecycle (pki) does the change; the activity (auth)
// is written here, so no route records anything itself.
import type { Activity, ActivityOrigin } from '../auth/activity.ts';
import type { IssuedAnswer } from '../pki/issue.ts';
import type { Lifecycle, UserRevocationReason } from '../pki/lifecycle.ts';
import type { CertificateRecord } from '../pki/records.ts';

export class CertificateChanges {
  private readonly lifecycle: Lifecycle;
  private readonly activity: Activity;
  constructor(d: { lifecycle: Lifecycle; activity: Activity }) {
    this.lifecycle = d.lifecycle;
    this.activity = d.activity;
  }

  async renew(login: string, csr: string, reason: 'superseded' | 'keyCompromise', origin?: ActivityOrigin): Promise<IssuedAnswer> {
    const renewed = await this.lifecycle.renew(login, csr, reason);
    this.activity.record(login, 'certificate_renewed', { serial: renewed.serial, reason }, origin);
    return renewed;
  }

  async revoke(login: string, reason: UserRevocationReason, origin?: ActivityOrigin): Promise<CertificateRecord> {
    const r = await this.lifecycle.revokeCurrent(login, reason);
    this.activity.record(r.login, 'certificate_revoked', { serial: r.serial, reason: r.revocationReason, by: 'you' }, origin);
    return r;
  }
}
