// Login (protocol §3): the password AND a certificate we issued to this login AND a signature over
// a fresh challenge with its key. The order of checks is deliberate:
//   1. the challenge is used up first, whatever happens next (single use);
//   2. the certificate's chain: a pirate certificate is refused as untrusted_issuer before anything
//      about the login is looked at, so the answer says nothing about who exists;
//   3. the password, with the same work for unknown logins, one answer for both;
//   4. ownership (the user's current certificate: a superseded one is not_owner), then revocation;
//   5. the challenge and its signature.
import { isDeviceOf } from '../pki/current.ts';
import { CertificateRejected, DomainError } from '../protocol/errors.ts';
import type { SessionRequest } from '../protocol/session.ts';
import type { Directory } from '../directory/directory.ts';
import type { Authority } from '../pki/authority.ts';
import type { CertificateRecords } from '../pki/records.ts';
import { parseCertificate, validateIssued, verifyPss } from '../pki/validate.ts';
import { PasswordCheck } from './password-check.ts';
import type { Challenges } from './challenges.ts';
import type { Sessions } from './sessions.ts';
import type { Activity, ActivityOrigin } from './activity.ts';
import { errorText } from '../protocol/error-messages.ts';

export interface LoginDeps {
  ca: Authority;
  records: CertificateRecords;
  directory: Directory;
  challenges: Challenges;
  sessions: Sessions;
  passwordIterations: number;
  now: () => Date;
  activity: Activity;
}

export interface LoginOutcome {
  token: string;
  expiresAt: Date;
  login: string;
  serial: string;
}

export class LoginService {
  private readonly d: LoginDeps;
  private readonly passwords: PasswordCheck;

  constructor(deps: LoginDeps) {
    this.d = deps;
    this.passwords = new PasswordCheck(deps.directory, deps.passwordIterations);
  }

  /**
   * `origin.userAgent`, what the client says it is, is kept with the session for its owner's list;
   * the outcome goes to the login's security activity either way (a refusal only when the login
   * names someone: see Activity.recordIfKnown).
   */
  async login(req: SessionRequest, origin: ActivityOrigin = {}): Promise<LoginOutcome> {
    try {
      const s = await this.attempt(req, origin.userAgent);
      await this.d.activity.record(s.login, 'login', { serial: s.serial }, origin);
      return s;
    } catch (err) {
      const reason = err instanceof CertificateRejected ? err.reason : err instanceof DomainError && err.code === 'invalid_credentials' ? 'password' : undefined;
      if (reason) this.d.activity.recordIfKnown(req.login, 'login_refused', { reason }, origin);
      throw err;
    }
  }

  private async attempt(req: SessionRequest, userAgent?: string): Promise<LoginOutcome> {
    const { ca, records, challenges, sessions } = this.d;
    // Used up first, whatever follows; on whichever instance issued it (protocol §9).
    const challengeProblem = await challenges.consume(req.challenge, req.login);

    const now = this.d.now();
    const { cert, record } = await validateIssued(parseCertificate(req.certificate), ca, records, now);

    const user = await this.passwords.check(req.login, req.password);

    if (!isDeviceOf(user.login, record)) {
      throw new CertificateRejected('not_owner', errorText('error.login.notOwner'));
    }
    if (record.revokedAt) {
      throw new CertificateRejected('revoked', errorText('error.login.revoked', { revokedAt: String(record.revokedAt), reason: String(record.revocationReason) }), {
        revokedAt: record.revokedAt,
        revocationReason: record.revocationReason,
      });
    }

    if (challengeProblem) {
      const why = ({ unknown: 'error.login.challenge.unissued', expired: 'error.login.challenge.expired', other_login: 'error.login.challenge.otherLogin' } as const)[challengeProblem];
      throw new CertificateRejected('bad_signature', errorText(why));
    }
    const signature = Buffer.from(req.signature, 'base64');
    if (!verifyPss(cert, new TextEncoder().encode(req.challenge), signature)) {
      throw new CertificateRejected('bad_signature', errorText('error.login.signature.bad'));
    }

    const session = await sessions.open(user.login, record.serial, userAgent);
    return { token: session.token, expiresAt: session.expiresAt, login: user.login, serial: record.serial };
  }
}
