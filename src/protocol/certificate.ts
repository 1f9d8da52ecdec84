// Extension of the protocol: a user's own certificate life cycle (docs/protocol.md, "Extensions").
import * as v from 'valibot';

export const renewRequestSchema = v.object({
  csr: v.pipe(v.string('Attach a certificate request (PEM) for your new key.'), v.trim(), v.nonEmpty('Attach a certificate request (PEM) for your new key.'), v.maxLength(32 * 1024, 'The certificate request is too large.')),
  reason: v.optional(v.picklist(['superseded', 'keyCompromise'], 'The reason is "superseded" (default) or "keyCompromise".'), 'superseded'),
});

/** What an owner may give as the reason for revoking one of their certificates. */
export const USER_REVOCATION_REASONS = ['keyCompromise', 'cessationOfOperation', 'affiliationChanged', 'unspecified'] as const;
const userReason = v.picklist(USER_REVOCATION_REASONS, 'The reason is one of keyCompromise, cessationOfOperation, affiliationChanged, unspecified.');

export const revokeRequestSchema = v.object({
  reason: v.optional(userReason, 'keyCompromise'),
});

/** Protocol §6 `DELETE /api/v1/devices/{serial}`: a device given up is most often just retired. */
export const deviceRevokeSchema = v.strictObject({ reason: v.optional(userReason, 'cessationOfOperation') }, 'Send an object with at most a reason.');

// Extension: ask the authority about any certificate (docs/protocol.md, "Checking a certificate").
export const CHECK_MAX_PEM = 32 * 1024;
export const checkRequestSchema = v.object({
  certificate: v.pipe(
    v.string('Paste a certificate (PEM) or choose its file.'),
    v.trim(),
    v.nonEmpty('Paste a certificate (PEM) or choose its file.'),
    v.maxLength(CHECK_MAX_PEM, 'That is too long for one certificate.'),
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
