// A person changing their own certificate — renewing it for a new key, or revoking it — or the
// operator revoking someone's, and the line that leaves in the owner's security activity. Lifecycle
// and Revocation (pki) do the change; the activity (auth) is written here, so no route and no
// command records anything itself.
import type { Activity, ActivityOrigin } from '../auth/activity.ts';
import type { IssuedAnswer } from '../pki/issue.ts';
import type { Lifecycle, UserRevocationReason } from '../pki/lifecycle.ts';
import type { CertificateRecord, CertificateRecords, RevocationReason } from '../pki/records.ts';
import { deviceNow } from '../pki/current.ts';
import type { Revocation } from '../pki/revocation.ts';

export class CertificateChanges {
  private readonly lifecycle: Lifecycle;
  private readonly revocation: Revocation;
  private readonly activity: Activity;
  private readonly records: CertificateRecords;
  constructor(d: { lifecycle: Lifecycle; revocation: Revocation; activity: Activity; records: CertificateRecords }) {
    this.records = d.records;
    this.lifecycle = d.lifecycle;
    this.revocation = d.revocation;
    this.activity = d.activity;
  }

  /** Renews the certificate of the device `device.serial` is (or was, before renewals) the certificate of. */
  async renew(device: { login: string; serial: string }, csr: string, reason: 'superseded' | 'keyCompromise', origin?: ActivityOrigin): Promise<IssuedAnswer> {
    const { login } = device;
    const renewed = await this.lifecycle.renew(login, await this.deviceNow(device), csr, reason);
    await this.activity.record(login, 'certificate_renewed', { serial: renewed.serial, reason }, origin);
    return renewed;
  }

  /** The owner revokes a device: the one `device.serial` is (or was, before renewals) the certificate of. */
  async revoke(device: { login: string; serial: string }, reason: UserRevocationReason, origin?: ActivityOrigin): Promise<CertificateRecord> {
    const r = await this.lifecycle.revokeDevice(device.login, await this.deviceNow(device), reason);
    // Named, since with several devices "your certificate" no longer says which one went.
    const named = r.deviceName ? { deviceName: r.deviceName } : {};
    await this.activity.record(r.login, 'certificate_revoked', { serial: r.serial, reason: r.revocationReason, by: 'you', ...named }, origin);
    return r;
  }

  private async deviceNow({ login, serial }: { login: string; serial: string }): Promise<string> {
    return (await deviceNow(this.records, login, serial))?.serial ?? serial;
  }

  /** The operator's revocation: one certificate by serial, or every valid one of a login. */
  async revokeByOperator(target: { serial: string } | { login: string }, reason: RevocationReason): Promise<CertificateRecord[]> {
    const done = 'serial' in target ? [await this.revocation.revokeSerial(target.serial, reason)] : await this.revocation.revokeLogin(target.login, reason);
    for (const r of done) await this.activity.record(r.login, 'certificate_revoked', { serial: r.serial, reason, by: 'operator' });
    return done;
  }
}
