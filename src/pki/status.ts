// A certificate's standing as users see it (issue: expiry visible, warned 30 days ahead).
import type { CertificateRecord } from './records.ts';

export const EXPIRY_WARNING_DAYS = 30;

export type CertificateStatus = 'valid' | 'expiring' | 'expired' | 'revoked' | 'not_yet_valid';

export interface CertificateStanding {
  serial: string;
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  status: CertificateStatus;
  daysLeft: number;
  revokedAt?: string;
  revocationReason?: string;
}

export function standing(r: CertificateRecord, now: Date): CertificateStanding {
  const t = now.getTime();
  const end = Date.parse(r.notAfter);
  const daysLeft = Math.floor((end - t) / 86_400_000);
  const status: CertificateStatus = r.revokedAt
    ? 'revoked'
    : t > end
      ? 'expired'
      : t < Date.parse(r.notBefore)
        ? 'not_yet_valid'
        : daysLeft < EXPIRY_WARNING_DAYS
          ? 'expiring'
          : 'valid';
  return {
    serial: r.serial,
    fingerprint: r.fingerprint,
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    status,
    daysLeft,
    ...(r.revokedAt ? { revokedAt: r.revokedAt, revocationReason: r.revocationReason } : {}),
  };
}
