// What the registration and recovery pages show while a key is made and once a certificate is
// issued; the browser script fills them in (src/client/ui/issued.ts).
import { useT } from '../i18n.ts';

/** The steps a key-making form goes through, shown while it works (client/ui/issued.ts progressSteps). */
export function ProgressSteps({ steps }: { steps: [name: string, label: string][] }) {
  const t = useT();
  return (
    <>
      <ol class="progress-steps" data-progress hidden aria-label={t('account.issued.progress')}>
        {steps.map(([name, label]) => (
          <li data-progress-step={name}>{label}</li>
        ))}
      </ol>
      <p class="visually-hidden" data-progress-live role="status" aria-live="polite"></p>
    </>
  );
}

/** The new certificate's facts, filled in by the browser script (client/ui/issued.ts showIssuedFacts). */
export function IssuedFacts() {
  const t = useT();
  return (
    <dl class="facts">
      <div>
        <dt>{t('account.issued.login')}</dt>
        <dd data-done-login></dd>
      </div>
      <div>
        <dt>{t('account.issued.serial')}</dt>
        <dd class="mono" data-done-serial></dd>
      </div>
      <div>
        <dt>{t('account.cert.fingerprint')}</dt>
        <dd class="mono fingerprint" data-done-fingerprint></dd>
      </div>
      <div>
        <dt>{t('account.cert.valid-until')}</dt>
        <dd data-done-expiry></dd>
      </div>
    </dl>
  );
}
