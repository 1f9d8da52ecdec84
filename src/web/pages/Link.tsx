// Linking this browser to an account already used on another device (protocol §6). The login and
// password are checked as at login; this browser makes its own key and certificate request, and a
// device where the person is logged in approves by typing the code shown here. No key file is
// carried over and no key ever leaves a device. The browser script (client/ui/link.ts) moves
// through the three steps: the form, the code while waiting, and the end of a request that failed.
import { AuthShell } from '../components/Layout.tsx';
import { ErrorSummary, Field, RevealButton, SubmitButton, Refusal } from '../components/Field.tsx';
import { Icon } from '../components/icons.tsx';
import { ProgressSteps } from '../components/Issued.tsx';
import { DEVICE_NAME_MAX } from '../../protocol/devices.ts';
import { useT } from '../i18n.ts';

export function LinkPage({ login }: { login?: string }) {
  const t = useT();
  return (
    <AuthShell title={t('signin.link.title')} page="link">
      <section class="auth-card" data-step="form" aria-labelledby="link-title">
        <header class="auth-head">
          <h1 id="link-title">{t('signin.link.use-here-too')}</h1>
          <p class="lead">
            {t('signin.link.lead')} <a href="/register">{t('common.create-account')}</a>
          </p>
        </header>
        <ErrorSummary />
        <form class="form" novalidate data-form="link">
          <Field name="login" label={t('signin.field.login')} autocomplete="username" value={login} attrs={{ autocapitalize: 'none', spellcheck: 'false', maxlength: '64' }} />
          <Field name="password" label={t('signin.field.password')} type="password" autocomplete="current-password" addon={<RevealButton target="password" />} />
          <Field
            name="deviceName"
            label={t('signin.link.device-name')}
            hint={t('signin.link.device-name-hint')}
            autocomplete="off"
            attrs={{ maxlength: String(DEVICE_NAME_MAX) }}
          />
          <div class="callout callout-info">
            <Icon name="key" />
            <p>{t('signin.link.key-note')}</p>
          </div>
          <Refusal />
          <SubmitButton label={t('signin.link.submit')} />
          <ProgressSteps
            steps={[
              ['key', t('signin.link.progress-key')],
              ['store', t('signin.progress.store')],
              ['ask', t('signin.link.progress-ask')],
            ]}
          />
        </form>
      </section>

      <section class="auth-card" data-step="wait" aria-labelledby="wait-title" hidden>
        <header class="auth-head">
          <h1 id="wait-title" tabindex={-1}>
            {t('signin.link.wait-title')}
          </h1>
          <p class="lead">{t('signin.link.wait-lead')}</p>
        </header>
        <p class="link-code">
          <span class="visually-hidden">{`${t('signin.link.code')} `}</span>
          <span data-link-code></span>
        </p>
        <dl class="facts">
          <div>
            <dt>{t('signin.link.fingerprint')}</dt>
            <dd class="fingerprint" data-link-fingerprint></dd>
          </div>
          <div>
            <dt>{t('signin.link.name')}</dt>
            <dd data-link-name></dd>
          </div>
          <div>
            <dt>{t('signin.link.time-left')}</dt>
            <dd data-link-countdown></dd>
          </div>
        </dl>
        <p class="link-status" data-link-status role="status" aria-live="polite">
          <span class="spinner is-on" aria-hidden="true"></span>
          <span data-link-status-text>{t('signin.link.waiting')}</span>
        </p>
        <p class="muted small">{t('signin.link.compare-note')}</p>
      </section>

      <section class="auth-card" data-step="ended" aria-labelledby="ended-title" hidden>
        <header class="auth-head">
          <h1 id="ended-title" tabindex={-1} data-ended-title></h1>
          <p class="lead" data-ended-text></p>
        </header>
        <div class="form-actions form-actions-split">
          <a class="btn btn-ghost" href="/login">
            {t('signin.back-to-login')}
          </a>
          <button type="button" class="btn btn-primary" data-action="link-again">
            {t('signin.link.start-again')}
          </button>
        </div>
      </section>

      <p class="auth-aside">
        <Icon name="lock" /> {t('signin.link.password-note')}
      </p>
    </AuthShell>
  );
}
