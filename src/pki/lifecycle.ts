// A user's certificates after issue, one per device (protocol §6): renewal of a device (new key,
// the old one superseded), linking another device, revocation, recovery, and the start-up repair of
// work a crash interrupted.
import { DomainError } from '../protocol/errors.ts';
import { USER_REVOCATION_REASONS } from '../protocol/certificate.ts';
import type { Directory } from '../directory/directory.ts';
import { currentCertificates, isDeviceOf, MAX_DEVICES } from './current.ts';
import { checkCsr } from './csr.ts';
import type { Issued, IssuedAnswer, UserIssuer } from './issue.ts';
import type { CertificateRecord, CertificateRecords, RevocationReason } from './records.ts';
import { refuseCertifiedKey, stageFresh, type KeyUse } from './fresh-key.ts';
import { errorText } from '../protocol/error-messages.ts';

export interface LifecycleDeps {
  issuer: UserIssuer;
  records: CertificateRecords;
  directory: Directory;
  now: () => Date;
  /** Called with each serial revoked, so sessions opened with it end at once. */
  onRevoked: (serial: string, reason: RevocationReason) => Promise<void>;
}

export { USER_REVOCATION_REASONS };
export type UserRevocationReason = (typeof USER_REVOCATION_REASONS)[number];

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

export class Lifecycle {
  private readonly d: LifecycleDeps;
  constructor(deps: LifecycleDeps) {
    this.d = deps;
  }

  /** The device certificate `serial` of `login`, current or revoked (not one a renewal replaced). */
  private async deviceRecord(login: string, serial: string): Promise<CertificateRecord> {
    const record = await this.d.records.get(serial);
    if (!record || !isDeviceOf(login, record)) throw new DomainError('not_found', errorText('error.device.notOf', { serial, login }));
    return record;
  }

  /**
   * Issues a device's certificate for a new key: one this CA never certified, so never the current
   * one (least of all when it is reported compromised). The new record, for the same device and
   * superseding the old one, is staged, the directory switched to it, the record confirmed, then
   * the old one revoked with the given reason: a crash at any step is finished or undone by
   * `reconcile` on the next start.
   */
  async renew(login: string, serial: string, csrPem: string, reason: 'superseded' | 'keyCompromise' = 'superseded'): Promise<IssuedAnswer> {
    const { issuer, records, directory } = this.d;
    const user = await directory.get(login);
    if (!user) throw new DomainError('not_found', errorText('error.user.unknown', { login }));
    const old = await this.deviceRecord(login, serial);
    if (old.revokedAt) throw new DomainError('not_found', errorText('error.certificate.renewRevoked', { serial }));
    const { key, ignored } = await checkCsr(csrPem, user, issuer.minKeyBits);
    await refuseCertifiedKey(records, key, 'renewal');
    const issued = await issuer.issue(user, key, { ...(old.deviceName ? { deviceName: old.deviceName } : {}), supersedes: [old.serial] });
    await this.makeCurrent(issued, 'renewal');
    await this.revoke(old.serial, reason);
    return issuer.answer(issued, ignored);
  }

  /**
   * Issues a certificate for another device of `login` (protocol §6 linking), once its owner
   * approved it on a device already in: nothing is revoked. `409 too_many_devices` past MAX_DEVICES.
   */
  async link(login: string, csrPem: string, deviceName: string): Promise<IssuedAnswer> {
    const { issuer, records, directory } = this.d;
    const user = await directory.get(login);
    if (!user) throw new DomainError('not_found', errorText('error.user.unknown', { login }));
    const { key, ignored } = await checkCsr(csrPem, user, issuer.minKeyBits);
    await refuseCertifiedKey(records, key, 'device');
    if ((await currentCertificates(records, login)).length >= MAX_DEVICES) {
      throw new DomainError('too_many_devices', errorText('error.device.tooMany', { login, max: MAX_DEVICES }));
    }
    const issued = await issuer.issue(user, key, { deviceName });
    await this.makeCurrent(issued, 'device');
    return issuer.answer(issued, ignored);
  }

  /**
   * Re-keys someone who cannot renew (no session: their certificates are revoked or expired, or the
   * keys are lost), once the caller has proved who they are: the same steps as renewal, a key this
   * CA never certified included, except that there need not be a usable current certificate, and
   * every current certificate, on every device, is superseded by the new one (whoever recovers
   * the account holds it alone, as after a re-registration). `gate` runs after the CSR
   * is checked and before anything changes; it may refuse (throw), e.g. when the proof was used up
   * meanwhile, and returns how to undo itself should issuing then fail for sure (not when the
   * directory cannot tell whether the switch landed).
   */
  async recover(login: string, csrPem: string, gate: () => Promise<() => Promise<void>>, deviceName?: string): Promise<IssuedAnswer> {
    const { issuer, records, directory } = this.d;
    const user = await directory.get(login);
    if (!user) throw new DomainError('not_found', errorText('error.user.unknown', { login }));
    const { key, ignored } = await checkCsr(csrPem, user, issuer.minKeyBits);
    await refuseCertifiedKey(records, key, 'recovery');
    const undo = await gate();
    const replaced = (await currentCertificates(records, login)).map((r) => r.serial);
    let issued: Issued;
    try {
      issued = await issuer.issue(user, key, { ...(deviceName ? { deviceName } : {}), supersedes: replaced });
      await this.makeCurrent(issued, 'recovery');
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'unavailable')) await undo();
      throw err;
    }
    for (const serial of replaced) await this.revoke(serial, 'superseded');
    return issuer.answer(issued, ignored);
  }

  /** Stages the new record (refused if its key was certified meanwhile), switches the directory to it, confirms it. */
  private async makeCurrent({ record }: Issued, use: KeyUse): Promise<void> {
    const { records, directory } = this.d;
    await stageFresh(records, record, use);
    try {
      await directory.setCertificate(record.login, record.der);
    } catch (err) {
      // When the directory cannot tell whether the change landed (unreachable mid-write), the
      // record stays pending: reconcile() confirms it if the directory holds it, forgets it if not.
      if (!(err instanceof DomainError && err.code === 'unavailable')) await records.discard(record.serial);
      throw err;
    }
    await records.confirm(record.serial);
  }

  /**
   * The owner revokes one of their devices' certificates (e.g. the device or its key is lost):
   * `not_found` for a serial that is not one of theirs, `conflict` when it is revoked already.
   */
  async revokeDevice(login: string, serial: string, reason: UserRevocationReason): Promise<CertificateRecord> {
    const record = await this.deviceRecord(login, serial);
    if (record.revokedAt) throw new DomainError('conflict', errorText('error.certificate.alreadyRevoked'), undefined, { field: 'certificate' });
    await this.revoke(record.serial, reason);
    return (await this.d.records.get(record.serial))!;
  }

  private async revoke(serial: string, reason: RevocationReason): Promise<void> {
    if (await this.d.records.revoke(serial, reason, this.d.now().toISOString())) await this.d.onRevoked(serial, reason);
  }

  /**
   * Start-up repair. A pending record whose certificate the directory holds was stored on both
   * sides: confirm it. Any other pending record never reached the directory: forget it. What an
   * issued record supersedes and is not revoked yet was left by a crash after the issue: revoke it.
   * (Other devices' certificates are current although the directory holds only the newest.)
   */
  async reconcile(): Promise<{ confirmed: number; discarded: number; superseded: number }> {
    const { records, directory } = this.d;
    let confirmed = 0;
    let discarded = 0;
    let superseded = 0;
    for (const p of await records.pending()) {
      const user = await directory.get(p.login);
      if (user && same(user.certificate, p.der)) {
        await records.confirm(p.serial);
        confirmed++;
      } else {
        await records.discard(p.serial);
        discarded++;
      }
    }
    const issued = await records.all();
    const unrevoked = new Set(issued.filter((r) => !r.revokedAt).map((r) => r.serial));
    for (const r of issued) {
      for (const old of r.supersedes ?? []) {
        if (!unrevoked.delete(old)) continue;
        await this.revoke(old, 'superseded');
        superseded++;
      }
    }
    return { confirmed, discarded, superseded };
  }
}
