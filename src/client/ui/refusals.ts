// Plain words for every way a login can be refused (protocol §3), with what to do next.
import type { ApiError } from './api.ts';
import { localTime, revocationReasonText } from '../../shared/format.ts';

export interface Refusal {
  title: string;
  text: string;
  /** A link that helps, e.g. to register. */
  action?: { href: string; label: string };
}

const BY_REASON: Record<string, Refusal> = {
  untrusted_issuer: {
    title: 'This certificate was not issued by TEKUP_chat.',
    text: 'Only certificates signed by the TEKUP_chat authority can log in. Use the key backup you saved when you registered, with its certificate.',
  },
  not_owner: {
    title: 'This certificate is not the current one for this login.',
    text: 'It was replaced by a renewal, or it belongs to another account. Import the backup of your current key.',
  },
  revoked: {
    title: 'This certificate has been revoked.',
    text: 'A revoked certificate can never log in again. Ask a TEKUP_chat operator for a recovery code, then use “recover access” below to get a new certificate.',
  },
  expired: {
    title: 'Your certificate has expired.',
    text: 'An expired certificate cannot log in. Renew it from “My certificate” on a device where you are still logged in, or ask a TEKUP_chat operator for a recovery code and use “recover access” below.',
  },
  not_yet_valid: {
    title: 'This certificate is not valid yet.',
    text: "Its validity starts in the future. Check this device's date and time.",
  },
  bad_signature: {
    title: 'Your key does not match this certificate.',
    text: 'The login challenge signed with your key did not verify. Use the key backup that goes with this certificate.',
  },
  bad_certificate: {
    title: 'This certificate could not be read.',
    text: 'Choose the PEM certificate file TEKUP_chat gave you, or the backup file that contains it.',
  },
};

export function refusalFor(err: ApiError): Refusal {
  if (err.code === 'certificate_rejected' && err.reason && BY_REASON[err.reason]) {
    const r = BY_REASON[err.reason];
    if (err.reason === 'revoked' && err.revokedAt) {
      const why = err.revocationReason ? ` (${revocationReasonText(err.revocationReason)})` : '';
      return { ...r, text: `It was revoked on ${localTime(err.revokedAt, 'date')}${why}. ${r.text}` };
    }
    if (err.reason === 'expired' && err.notAfter) return { ...r, text: `It expired on ${localTime(err.notAfter, 'date')}. ${r.text}` };
    // Otherwise the server's sentence carries the specifics; keep it for revoked/expired.
    return err.reason === 'revoked' || err.reason === 'expired' ? { ...r, text: `${err.message} ${r.text}` } : r;
  }
  switch (err.code) {
    case 'invalid_credentials':
      return { title: 'The login or the password is wrong.', text: 'Check both and try again; the password is case-sensitive.' };
    case 'rate_limited':
      return { title: 'Too many attempts.', text: 'Wait a minute, then try again.' };
    case 'network':
      return { title: 'TEKUP_chat cannot be reached.', text: 'Check your connection and try again.' };
    case 'validation':
      return { title: 'Something is missing.', text: err.message };
    default:
      return { title: 'You could not be logged in.', text: err.message };
  }
}
