// A user's certificate after issue: renewal (new key, old one superseded), revocation by its
// owner, and the start-up repair of work a crash interrupted.
import { DomainError } from '../protocol/errors.ts';
import type { Directory } from '../directory/directory.ts';
import { currentCertificates } from './current.ts';
import { checkCsr } from './csr.ts';
import type { Issued, IssuedAnswer, UserIssuer } from './issue.ts';
import type { CertificateRecord, CertificateRecords, RevocationReason } from './records.ts';
import { refuseCertifiedKey, stageFresh, type KeyUse } from './fresh-key.ts';

export interface LifecycleDeps {
  issuer: UserIssuer;
  records: CertificateRecords;
  directory: Directory;
  now: () => Date;
  /** Called with each serial revoked, so sessions opened with it end at once. */
  onRevoked: (serial: string, reason: RevocationReason) => Promise<void>;
}

export const USER_REVOCATION_REASONS = ['keyCompromise', 'cessationOfOperation', 'affiliationChanged', 'unspecified'] as const;
export type UserRevocationReason = (typeof USER_REVOCATION_REASONS)[number];

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

export class Lifecycle {
  private readonly d: LifecycleDeps;
  constructor(deps: LifecycleDeps) {
    this.d = deps;
  }

  private async currentRecord(login: string): Promise<CertificateRecord> {
    const user = await this.d.directory.get(login);
    const [record] = user ? await currentCertificates(this.d.records, user) : [];
    if (!record) throw new DomainError('not_found', `No current certificate is recorded for "${login}".`);
    return record;
  }

  /**
   * Issues a certificate for a new key: one this CA never certified, so never the current one
   * (least of all when it is reported compromised). The new record is staged, the directory
   * switched to it, the record confirmed, then the old one revoked with the given reason: a crash
   * at any step is finished or undone by `reconcile` on the next start.
   */
  async renew(login: string, csrPem: string, reason: 'superseded' | 'keyCompromise' = 'superseded'): Promise<IssuedAnswer> {
    const { issuer, records, directory } = this.d;
    const user = await directory.get(login);
    if (!user) throw new DomainError('not_found', `No user is registered as "${login}".`);
    const old = await this.currentRecord(login);
    const { publicKey: key, ignored } = await checkCsr(csrPem, user, issuer.minKeyBits);
    await refuseCertifiedKey(records, key, 'renewal');
    const issued = await issuer.issue(user, key);
    await this.makeCurrent(issued, 'renewal');
    await this.revoke(old.serial, reason);
    return issuer.answer(issued, ignored);
  }

  /**
   * Re-keys someone who cannot renew (no session: their certificate is revoked or expired, or the
   * key is lost), once the caller has proved who they are: the same steps as renewal, a key this
   * CA never certified included, except that there need not be a usable current certificate, and
   * every older certificate not yet revoked is revoked as superseded. `gate` runs after the CSR
   * is checked and before anything changes; it may refuse (throw), e.g. when the proof was used up
   * meanwhile, and returns how to undo itself should issuing then fail for sure (not when the
   * directory cannot tell whether the switch landed).
   */
  async recover(login: string, csrPem: string, gate: () => Promise<() => Promise<void>>): Promise<IssuedAnswer> {
    const { issuer, records, directory } = this.d;
    const user = await directory.get(login);
    if (!user) throw new DomainError('not_found', `No user is registered as "${login}".`);
    const { publicKey: key, ignored } = await checkCsr(csrPem, user, issuer.minKeyBits);
    await refuseCertifiedKey(records, key, 'recovery');
    const undo = await gate();
    let issued: Issued;
    try {
      issued = await issuer.issue(user, key);
      await this.makeCurrent(issued, 'recovery');
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'unavailable')) await undo();
      throw err;
    }
    for (const r of await records.forLogin(login)) {
      if (r.serial !== issued.record.serial && r.state === 'issued' && !r.revokedAt) await this.revoke(r.serial, 'superseded');
    }
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

  /** The owner revokes their current certificate (e.g. the key is lost or compromised). */
  async revokeCurrent(login: string, reason: UserRevocationReason): Promise<CertificateRecord> {
    const record = await this.currentRecord(login);
    if (record.revokedAt) throw new DomainError('conflict', 'This certificate is already revoked.', undefined, { field: 'certificate' });
    await this.revoke(record.serial, reason);
    return (await this.d.records.get(record.serial))!;
  }

  private async revoke(serial: string, reason: RevocationReason): Promise<void> {
    if (await this.d.records.revoke(serial, reason, this.d.now().toISOString())) await this.d.onRevoked(serial, reason);
  }

  /**
   * Start-up repair. A pending record whose certificate the directory holds was stored on both
   * sides: confirm it. Any other pending record never reached the directory: forget it. An issued,
   * unrevoked record that is no longer anyone's current certificate was superseded: revoke it.
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
    const current = new Map((await directory.list()).map((u) => [u.login, u.certificate]));
    for (const r of await records.all()) {
      const mine = current.get(r.login);
      if (!r.revokedAt && mine && !same(mine, r.der)) {
        await this.revoke(r.serial, 'superseded');
        superseded++;
      }
    }
    return { confirmed, discarded, superseded };
  }
}
