// Operator-assisted recovery. Renewal needs a session, and a session needs a valid certificate and
// its key: someone whose only certificate was revoked, has expired or whose key is lost could never
// log in again. An operator (tekup-chat admin recovery-code) gives them a one-time code; with it
// AND their password they get a certificate for a new key, and everything older is revoked. For
// someone who forgot the password as well, the operator issues a code that resets it
// (--reset-password): then a new password takes the place of the old one, and the code alone,
// given after the operator checked who they are, stands for what the password proved.
//
// The code is 128 random bits, kept only as its SHA-256 (a copy of the database grants nothing),
// one per login, replaced by the next one issued (src/auth/recovery-codes.ts).
import { timingSafeEqual } from 'node:crypto';
import { DomainError } from '../protocol/errors.ts';
import { groupedRecoveryCode, type RecoverRequest } from '../protocol/recovery.ts';
import type { Directory } from '../directory/directory.ts';
import type { IssuedAnswer } from '../pki/issue.ts';
import type { Lifecycle } from '../pki/lifecycle.ts';
import type { CertificateRecords } from '../pki/records.ts';
import { hashPassword, verifyPassword } from '../auth/password.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { Activity, ActivityOrigin } from '../auth/activity.ts';
import { RECOVERY_HOURS_DEFAULT, RECOVERY_HOURS_MAX, hashRecoveryCode, newRecoveryCode, type RecoveryCodeStore } from '../auth/recovery-codes.ts';
import { errorText } from '../protocol/error-messages.ts';

export interface RecoveryDeps {
  store: RecoveryCodeStore;
  directory: Directory;
  lifecycle: Lifecycle;
  records: CertificateRecords;
  sessions: Sessions;
  passwordIterations: number;
  now: () => Date;
  /** Where issuing a code and recovering access are written down for their owner. */
  activity: Activity;
}

/** The one refusal for a wrong code, a wrong password, an unknown login or an expired code. */
export const recoveryRefused = () =>
  new DomainError('invalid_credentials', errorText('error.recovery.wrong'));

export class Recovery {
  private readonly d: RecoveryDeps;
  private dummyHash: Promise<string> | undefined;
  /** Compared against when a login has no code, so that costs the same as a wrong one. */
  private readonly noCode = hashRecoveryCode(newRecoveryCode());

  constructor(deps: RecoveryDeps) {
    this.d = deps;
  }

  /** Spent on unknown logins so that they take as long as a wrong password (as at login). */
  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(crypto.randomUUID(), this.d.passwordIterations);
    return this.dummyHash;
  }

  /** A new code for an existing login, replacing any earlier one. The code itself is returned once and kept nowhere. */
  async issueCode(
    login: string,
    hours = RECOVERY_HOURS_DEFAULT,
    resetsPassword = false,
  ): Promise<{ login: string; code: string; expiresAt: string; resetsPassword: boolean }> {
    if (!Number.isInteger(hours) || hours < 1 || hours > RECOVERY_HOURS_MAX) {
      throw new DomainError('validation', errorText('error.recovery.hours', { max: RECOVERY_HOURS_MAX }), { hours: errorText('error.recovery.hours.field', { max: RECOVERY_HOURS_MAX }) });
    }
    const user = await this.d.directory.get(login);
    if (!user) throw new DomainError('not_found', errorText('error.user.unknown', { login }));
    const now = this.d.now();
    const code = newRecoveryCode();
    const expiresAt = new Date(now.getTime() + hours * 3600_000).toISOString();
    await this.d.store.put({ login: user.login, codeHash: hashRecoveryCode(code), createdAt: now.toISOString(), expiresAt, resetsPassword });
    await this.d.activity.record(user.login, 'recovery_code_issued', resetsPassword ? { reason: 'password_reset' } : {});
    return { login: user.login, code: groupedRecoveryCode(code), expiresAt, resetsPassword };
  }

  /**
   * Checks the code and the password (always both, with the same work whatever is wrong), then the
   * CSR against the person's directory identity; only then is the code used up and the
   * certificate replaced (Lifecycle.recover). Their sessions end: whoever held the old key is out.
   * With a new password instead of the current one, the code must be one that resets it; the new
   * password is hashed whatever happens (the same PBKDF2 work a check of the current one costs)
   * and stored once the certificate is issued.
   */
  async recover(req: RecoverRequest, origin?: ActivityOrigin): Promise<IssuedAnswer> {
    const { store, directory, lifecycle, records, sessions } = this.d;
    const user = await directory.get(req.login);
    const stored = user ? await store.get(user.login) : undefined;
    const given = hashRecoveryCode(req.code);
    const now = this.d.now().toISOString();
    const sameCode = timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(stored?.codeHash ?? this.noCode, 'hex'));
    const codeOk = stored !== undefined && sameCode && stored.expiresAt > now;
    const newHash = req.newPassword === undefined ? undefined : await hashPassword(req.newPassword, this.d.passwordIterations);
    const passwordOk =
      req.password !== undefined
        ? await verifyPassword(req.password, user?.passwordHash ?? (await this.dummy()))
        : newHash !== undefined && stored?.resetsPassword === true;
    if (!user || !stored || !codeOk || !passwordOk) throw recoveryRefused();

    const issued = await lifecycle.recover(user.login, req.csr, async () => {
      // Another request may have used the code (or it expired) since the check above.
      if (!(await store.take(user.login, given, this.d.now().toISOString()))) throw recoveryRefused();
      // Sessions end before the certificate changes, so no crash can leave one open with a key
      // the person no longer holds. Not undone if issuing fails: they can log in again.
      for (const r of await records.forLogin(user.login)) await sessions.closeForCertificate(r.serial);
      return () => store.put(stored);
    });
    // After the certificate, so that a request that loses the race for the code changes nothing.
    if (newHash !== undefined) await directory.setPasswordHash(user.login, newHash);
    await this.d.activity.record(issued.login, 'access_recovered', { serial: issued.serial, ...(newHash !== undefined ? { reason: 'password_reset' } : {}) }, origin);
    return issued;
  }
}
