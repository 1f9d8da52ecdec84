// Protocol §3 (login) and §4 (directory): request schemas and answer types, shared with the browser.
import * as v from 'valibot';
import { LOGIN_PATTERN } from './enroll.ts';
import { englishText } from './error-messages.ts';

const enterLogin = englishText('error.login.login.missing');
const enterPassword = englishText('error.login.password.missing');
const sendCertificate = englishText('error.login.certificate.missing');
const sendChallenge = englishText('error.login.challenge.missing');
const sendSignature = englishText('error.login.signature.missing');

export const SESSION_COOKIE = 'tekup_session';
/** Domain separation: a login challenge can never be mistaken for anything else we sign. */
export const CHALLENGE_PREFIX = 'TEKUP_chat login v1 ';
export const CHALLENGE_TTL_MS = 120_000;

// The login is not pattern-checked here: an unknown or malformed login must get the same answer
// as a wrong password (no enumeration), only its size is bounded.
const login = v.pipe(v.string(enterLogin), v.trim(), v.toLowerCase(), v.nonEmpty(enterLogin), v.maxLength(64, enterLogin));
const b64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const challengeRequestSchema = v.object({ login });

export const sessionRequestSchema = v.object({
  login,
  password: v.pipe(v.string(enterPassword), v.nonEmpty(enterPassword), v.maxLength(1024, enterPassword)),
  certificate: v.pipe(v.string(sendCertificate), v.nonEmpty(sendCertificate), v.maxLength(16 * 1024, englishText('error.login.certificate.large'))),
  challenge: v.pipe(v.string(sendChallenge), v.nonEmpty(sendChallenge), v.maxLength(512, englishText('error.login.challenge.unknown'))),
  signature: v.pipe(
    v.string(sendSignature),
    v.nonEmpty(sendSignature),
    v.maxLength(2048, englishText('error.login.signature.long')),
    v.regex(b64, englishText('error.login.signature.base64')),
  ),
});

export type ChallengeRequest = v.InferOutput<typeof challengeRequestSchema>;
export type SessionRequest = v.InferOutput<typeof sessionRequestSchema>;

export interface ChallengeResponse {
  challenge: string;
  expiresAt: string;
}

/** GET /api/v1/sessions (an extension): where one is logged in. */
export interface SessionSummary {
  /** Names the session in DELETE /api/v1/sessions/{id}; not its token. */
  id: string;
  createdAt: string;
  expiresAt: string;
  /** The User-Agent of the login that opened it, if it sent one. */
  userAgent: string | null;
  /** The session this request came with. */
  current: boolean;
}

export const SESSION_ID_PATTERN = /^[0-9a-f]{16}$/;

export interface SessionResponse {
  token: string;
  expiresAt: string;
  login: string;
}

export interface UserEntry {
  login: string;
  firstName: string;
  lastName: string;
  online: boolean;
  lastSeen: string | null;
  fingerprint: string;
  /**
   * An extension of §4 (docs/protocol.md): the standing of that certificate, so every page can say
   * when someone cannot be written to. `unknown` when the CA has no record of it.
   */
  certificateStatus: 'valid' | 'expiring' | 'expired' | 'revoked' | 'not_yet_valid' | 'unknown';
  notAfter?: string;
  revokedAt?: string;
  revocationReason?: string;
  /**
   * An extension (protocol §6): how many current certificates, one per device, a message to this
   * person is wrapped for. 0 once the last one is revoked.
   */
  devices?: number;
}

/** Whether messages can be encrypted for this person: their current certificate is in force. */
export const canReceive = (u: Pick<UserEntry, 'certificateStatus'>): boolean => u.certificateStatus === 'valid' || u.certificateStatus === 'expiring';

export { LOGIN_PATTERN };
