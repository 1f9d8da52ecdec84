// Extension of the protocol: a user's own certificate life cycle (docs/protocol.md, "Extensions").
import * as v from 'valibot';
import { englishText } from './error-messages.ts';

export const renewRequestSchema = v.object({
  csr: v.pipe(v.string(englishText('error.recovery.csr.missing')), v.trim(), v.nonEmpty(englishText('error.recovery.csr.missing')), v.maxLength(32 * 1024, englishText('error.enroll.csr.large'))),
  reason: v.optional(v.picklist(['superseded', 'keyCompromise'], englishText('error.certificate.reason.renewal')), 'superseded'),
});

/** What an owner may give as the reason for revoking one of their certificates. */
export const USER_REVOCATION_REASONS = ['keyCompromise', 'cessationOfOperation', 'affiliationChanged', 'unspecified'] as const;
const userReason = v.picklist(USER_REVOCATION_REASONS, englishText('error.certificate.reason.user'));

export const revokeRequestSchema = v.object({
  reason: v.optional(userReason, 'keyCompromise'),
});

/** Protocol §6 `DELETE /api/v1/devices/{serial}`: a device given up is most often just retired. */
export const deviceRevokeSchema = v.strictObject({ reason: v.optional(userReason, 'cessationOfOperation') }, englishText('error.certificate.revokeBody'));

// Extension: ask the authority about any certificate (docs/protocol.md, "Checking a certificate").
export const CHECK_MAX_PEM = 32 * 1024;
export const checkRequestSchema = v.object({
  certificate: v.pipe(
    v.string(englishText('error.certificate.paste')),
    v.trim(),
    v.nonEmpty(englishText('error.certificate.paste')),
    v.maxLength(CHECK_MAX_PEM, englishText('error.certificate.tooLong')),
  ),
});

/** What every answer says of the certificate itself, as it is written (nothing here is vouched for). */
export interface CertificateFacts {
  serial: string;
  fingerprint: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
}

export type CertificateCheck =
  | (CertificateFacts & {
      /** A user certificate this CA signed and recorded as issued; `status` as in §4's JSON. */
      issued: true;
      status: 'valid' | 'expiring' | 'expired' | 'revoked' | 'not_yet_valid';
      /** Whether it is still its holder's current certificate (a renewal replaces it). */
      current: boolean;
      login: string;
      name: string;
      email: string;
      daysLeft: number;
      revokedAt?: string;
      revocationReason?: string;
    })
  | (CertificateFacts & { issued: true; status: 'authority'; role: 'root' | 'intermediate' })
  | (CertificateFacts & {
      issued: false;
      /**
       * `untrusted`: not signed by our issuing CA, whatever it claims (a pirate's).
       * `unknown`: signed by our issuing CA, but no user certificate on record (the server's TLS or
       * OCSP responder certificate, or a registration that never completed).
       */
      status: 'untrusted' | 'unknown';
    });
