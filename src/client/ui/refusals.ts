// Plain words for every way a login can be refused (protocol §3), with what to do next.
import { pageTime } from './times.ts';
import type { ApiError } from './api.ts';
import { revocationReasonText } from '../../shared/format.ts';
import { pageLocale, t } from '../i18n.ts';
import type { ClientKey } from '../messages/index.ts';

export interface Refusal {
  title: string;
  text: string;
  /** A link that helps, e.g. to register. */
  action?: { href: string; label: string };
}

/** The catalogue keys of each certificate refusal; worded when asked, in the page's language. */
const BY_REASON: Record<string, { title: ClientKey; text: ClientKey }> = {
  untrusted_issuer: { title: 'acct.refusal.untrusted-issuer.title', text: 'acct.refusal.untrusted-issuer.text' },
  not_owner: { title: 'acct.refusal.not-owner.title', text: 'acct.refusal.not-owner.text' },
  revoked: { title: 'acct.refusal.revoked.title', text: 'acct.refusal.revoked.text' },
  expired: { title: 'acct.refusal.expired.title', text: 'acct.refusal.expired.text' },
  not_yet_valid: { title: 'acct.refusal.not-yet-valid.title', text: 'acct.refusal.not-yet-valid.text' },
  bad_signature: { title: 'acct.refusal.bad-signature.title', text: 'acct.refusal.bad-signature.text' },
  bad_certificate: { title: 'acct.refusal.bad-certificate.title', text: 'acct.refusal.bad-certificate.text' },
};

export function refusalFor(err: ApiError): Refusal {
  if (err.code === 'certificate_rejected' && err.reason && BY_REASON[err.reason]) {
    const keys = BY_REASON[err.reason];
    const r: Refusal = { title: t(keys.title), text: t(keys.text) };
    if (err.reason === 'revoked' && err.revokedAt) {
      const date = pageTime(err.revokedAt, 'date');
      const when = err.revocationReason ? t('acct.refusal.revoked-on-why', { date, reason: revocationReasonText(err.revocationReason, pageLocale()) }) : t('acct.refusal.revoked-on', { date });
      return { ...r, text: `${when} ${r.text}` };
    }
    if (err.reason === 'expired' && err.notAfter) return { ...r, text: `${t('acct.refusal.expired-on', { date: pageTime(err.notAfter, 'date') })} ${r.text}` };
    // Otherwise the server's sentence carries the specifics; keep it for revoked/expired.
    return err.reason === 'revoked' || err.reason === 'expired' ? { ...r, text: `${err.message} ${r.text}` } : r;
  }
  switch (err.code) {
    case 'invalid_credentials':
      return { title: t('acct.refusal.credentials.title'), text: t('acct.refusal.credentials.text') };
    case 'rate_limited':
      return { title: t('acct.refusal.rate-limited.title'), text: t('acct.refusal.rate-limited.text') };
    case 'network':
      return { title: t('acct.unreachable'), text: t('acct.refusal.network.text') };
    case 'validation':
      return { title: t('acct.refusal.validation.title'), text: err.message };
    default:
      return { title: t('acct.refusal.default.title'), text: err.message };
  }
}
