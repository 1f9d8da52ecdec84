// The error shape of protocol §"Conventions": every refusal is one of these codes. The HTTP status
// for each code is chosen in one place (src/web/errors.ts); the domain only names the code.
import { errorText, isSaid, type Said, type Say } from './error-messages.ts';
export type ErrorCode =
  | 'validation'
  | 'bad_csr'
  | 'conflict'
  | 'malformed'
  | 'payload_too_large'
  /** Protocol §8: an upload that would take its sender over their attachment quota. */
  | 'quota_exceeded'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'invalid_credentials'
  | 'certificate_rejected'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'message_rejected'
  | 'replay'
  /** Protocol §6: a user holds at most 10 current certificates. */
  | 'too_many_devices'
  /** Protocol §7: an envelope's keys are not for exactly the conversation's current certificates. */
  | 'recipients_changed'
  /** Protocol §6: a link request refused, expired or ended by wrong codes. */
  | 'gone'
  | 'internal'
  /** A service the request needs (the LDAP directory) cannot be reached; worth retrying. */
  | 'unavailable';

export type CertificateRejectReason =
  | 'untrusted_issuer'
  | 'expired'
  | 'not_yet_valid'
  | 'revoked'
  | 'not_owner'
  | 'bad_signature'
  | 'bad_certificate';

export interface ApiError {
  error: ErrorCode;
  message: string;
  fields?: Record<string, string>;
  [extra: string]: unknown;
}

/**
 * A refusal the domain decided on. `extra` lands next to error/message (e.g. `reason`, `field`).
 * The message and each field's message are English, or a Said (src/protocol/error-messages.ts:
 * `errorText(id, params)`), whose English is the text and whose id lets the web edge answer a
 * French reader in French (`says`, `fieldSays`).
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly fields?: Record<string, string>;
  readonly extra?: Record<string, unknown>;
  /** What the message says, by id, when it was given as a Said. */
  readonly says?: readonly Say[];
  /** What each field's message says, by id, for those given as a Said. */
  readonly fieldSays?: Readonly<Record<string, readonly Say[]>>;
  constructor(code: ErrorCode, message: string | Said, fields?: Record<string, string | Said>, extra?: Record<string, unknown>) {
    super(isSaid(message) ? message.text : message);
    this.name = 'DomainError';
    this.code = code;
    if (isSaid(message)) this.says = message.say;
    if (fields) {
      const entries = Object.entries(fields);
      this.fields = Object.fromEntries(entries.map(([k, m]) => [k, isSaid(m) ? m.text : m]));
      const said = entries.filter((e): e is [string, Said] => isSaid(e[1]));
      if (said.length) this.fieldSays = Object.fromEntries(said.map(([k, m]) => [k, m.say]));
    }
    this.extra = extra;
  }

  toJSON(): ApiError {
    return { error: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}), ...this.extra };
  }
}

export class CertificateRejected extends DomainError {
  readonly reason: CertificateRejectReason;
  /** `details` are facts a client may word itself: `revokedAt` and `revocationReason`, or `notAfter`. */
  constructor(reason: CertificateRejectReason, message: string | Said, details?: { revokedAt?: string; revocationReason?: string; notAfter?: string }) {
    super('certificate_rejected', message, undefined, { reason, ...details });
    this.reason = reason;
  }
}

/** `400 validation` naming each field to fix, its message counting them. */
export function validationError(fields: Record<string, string | Said>): DomainError {
  return new DomainError('validation', errorText('error.validation.fields', { count: Object.keys(fields).length }), fields);
}
