// The authority page. The certificate check is a form htmx swaps in: focus follows its answer, to
// the field when there is something to fix there, else to the verdict, so a screen reader reads
// it and a keyboard user goes on from it. The proof check runs here: the proof is verified in this
// browser against the root (src/client/proof.ts), and only the signer's certificate goes to the
// authority, for its standing now — whether it was revoked, and when compared with the message.
import { pageTime } from './times.ts';
import type { CertificateCheck } from '../../protocol/certificate.ts';
import { groupedHex, revocationReasonText } from '../../shared/format.ts';
import { ProofError, verifyProof, type ProofFailure, type ProofResult } from '../proof.ts';
import { ApiError, api, getText } from './api.ts';
import { $, $$, fromTemplate, must, readFile, setBusy } from './dom.ts';
import { pageLocale, t } from '../i18n.ts';
import type { ClientKey } from '../messages/index.ts';

/** The verdict's title for each way a proof fails (catalogue keys). */
const FAILURES: Record<ProofFailure, ClientKey> = {
  malformed: 'acct.proof.failure.malformed',
  bad_certificate: 'acct.proof.failure.bad-certificate',
  untrusted_chain: 'acct.proof.failure.untrusted-chain',
  not_valid_at_time: 'acct.proof.failure.not-valid-at-time',
  wrong_signer: 'acct.proof.failure.wrong-signer',
  bad_signature: 'acct.proof.failure.bad-signature',
};

type Tone = 'ok' | 'warn' | 'danger';

interface Verdict {
  tone: Tone;
  title: string;
  chip: string;
  summary: string;
  proof?: ProofResult;
  standing?: CertificateCheck;
}

/** What the certificate's standing now means for a signature made (by the sender's word) at sentAt. */
function judge(proof: ProofResult, standing: CertificateCheck | undefined): Verdict {
  const who = standing?.issued && 'name' in standing ? `${standing.name} (@${proof.signer.login})` : `@${proof.signer.login}`;
  const base = { proof, standing };
  if (!standing) {
    return { ...base, tone: 'ok', title: t('acct.proof.signed-by', { who }), chip: t('acct.proof.chip-valid'), summary: t('acct.proof.valid-unchecked') };
  }
  if (standing.status === 'revoked' && standing.revokedAt) {
    const when = t('acct.proof.revoked-when', { date: pageTime(standing.revokedAt, 'date'), reason: revocationReasonText(standing.revocationReason ?? 'unspecified', pageLocale()) });
    if (Date.parse(standing.revokedAt) <= Date.parse(proof.message.sentAt)) {
      return {
        ...base,
        tone: 'danger',
        title: t('acct.proof.revoked-before.title'),
        chip: t('acct.proof.revoked-before.chip'),
        summary: t('acct.proof.revoked-before.summary', {
          who,
          when,
          consequence: t(standing.revocationReason === 'keyCompromise' ? 'acct.proof.key-stolen' : 'acct.proof.no-longer-used'),
        }),
      };
    }
    return { ...base, tone: 'ok', title: t('acct.proof.signed-by', { who }), chip: t('acct.proof.chip-valid'), summary: t('acct.proof.revoked-later', { when }) };
  }
  return { ...base, tone: 'ok', title: t('acct.proof.signed-by', { who }), chip: t('acct.proof.chip-valid'), summary: t('acct.proof.valid') };
}

function statusText(s: CertificateCheck | undefined): string {
  if (!s) return t('acct.proof.status.unknown');
  if (s.status === 'revoked') {
    const date = pageTime(s.revokedAt ?? '');
    return s.revocationReason ? t('acct.proof.status.revoked-why', { date, reason: revocationReasonText(s.revocationReason, pageLocale()) }) : t('acct.proof.status.revoked', { date });
  }
  if (s.status === 'valid' || s.status === 'expiring') return t('acct.proof.status.valid', { date: pageTime(s.notAfter, 'date') });
  if (s.status === 'expired') return t('acct.proof.status.expired', { date: pageTime(s.notAfter, 'date') });
  return s.status;
}

function render(outcome: HTMLElement, v: Verdict): void {
  const box = fromTemplate<HTMLElement>('tpl-proof-result');
  box.classList.add(`check-${v.tone}`);
  box.dataset.proofResult = v.tone === 'ok' ? 'valid' : v.tone === 'danger' && v.proof ? 'revoked-before' : 'invalid';
  must('.cert-seal', box).classList.add(`seal-${v.tone}`);
  must('[data-seal="ok"]', box).hidden = v.tone !== 'ok';
  must('[data-seal="bad"]', box).hidden = v.tone === 'ok';
  const slot = (name: string) => must(`[data-slot="${name}"]`, box);
  slot('title').textContent = v.title;
  slot('chip').textContent = v.chip;
  slot('chip').classList.add(`chip-${v.tone}`);
  slot('summary').textContent = v.summary;
  if (v.proof) {
    const m = v.proof.message;
    slot('text').textContent = m.text;
    slot('from').textContent = `@${m.from}`;
    slot('to').textContent = `@${m.to}`;
    slot('sentAt').textContent = pageTime(m.sentAt);
    slot('status').textContent = statusText(v.standing);
    slot('serial').textContent = v.proof.signer.serial;
    slot('fingerprint').textContent = groupedHex(v.proof.signer.fingerprint);
  } else {
    slot('message').remove();
  }
  outcome.replaceChildren(box);
  box.focus();
}

async function checkProof(form: HTMLFormElement, outcome: HTMLElement): Promise<void> {
  const input = must<HTMLInputElement>('#f-proof', form);
  const error = must('[data-error-for="proof"]', form);
  const fieldError = (message: string) => {
    error.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    outcome.replaceChildren();
    input.focus();
  };
  error.textContent = '';
  input.removeAttribute('aria-invalid');
  let bundle: unknown;
  try {
    const text = await readFile(input);
    if (text === undefined) return fieldError(t('acct.proof.choose-file'));
    bundle = JSON.parse(text);
  } catch (err) {
    return fieldError(err instanceof SyntaxError ? t('acct.proof.not-json') : err instanceof Error ? err.message : String(err));
  }
  let proof: ProofResult;
  try {
    proof = await verifyProof(bundle, await getText('/ca/root.pem'));
  } catch (err) {
    if (!(err instanceof ProofError)) throw err;
    return render(outcome, { tone: 'danger', title: t(FAILURES[err.code]), chip: t('acct.proof.not-verified'), summary: err.message });
  }
  const certificate = (bundle as { certificate: string }).certificate;
  const standing = await api<CertificateCheck>('POST', '/api/v1/certificates/check', { certificate }).catch((err: unknown) => {
    if (err instanceof ApiError) return undefined;
    throw err;
  });
  render(outcome, judge(proof, standing));
}

export function initAuthority(): void {
  document.body.addEventListener('htmx:after:swap', () => {
    const invalid = $<HTMLElement>('#f-certificate[aria-invalid="true"]');
    const verdict = $<HTMLElement>('[data-check-result]');
    (invalid ?? verdict)?.focus();
  });
  for (const form of $$<HTMLFormElement>('form[data-form="proof"]')) {
    const outcome = must('[data-proof-outcome]');
    const button = must<HTMLButtonElement>('[data-submit]', form);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      // The previous verdict goes at once: it must not pass for the answer about this file.
      outcome.replaceChildren();
      setBusy(button, true);
      void checkProof(form, outcome)
        .catch((err: unknown) => render(outcome, { tone: 'danger', title: t('acct.proof.check-failed'), chip: t('acct.proof.not-verified'), summary: err instanceof Error ? err.message : String(err) }))
        .finally(() => setBusy(button, false));
    });
  }
}
