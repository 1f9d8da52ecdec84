// Login (protocol §3): login, password and the private key, either the one this browser keeps
// (encrypted under the password) or a backup file imported here. The script signs the challenge;
// every refusal reason gets its own plain-language message.
import { AuthShell } from '../components/Layout.tsx';
import { ErrorSummary, Field, RevealButton, SubmitButton, Refusal } from '../components/Field.tsx';
import { Icon } from '../components/icons.tsx';
import { useT } from '../i18n.ts';
import type { PageKey } from '../messages/index.ts';

/** The notices a redirect may ask for (?notice=…, the allowed values in routes/pages.tsx), each with its words' key. */
export const LOGIN_NOTICES = {
  'logged-out': 'signin.notice.logged-out',
  'session-ended': 'signin.notice.session-ended',
  revoked: 'signin.notice.revoked',
  registered: 'signin.notice.registered',
  recovered: 'signin.notice.recovered',
  'device-revoked': 'signin.notice.device-revoked',
} as const satisfies Record<string, PageKey>;
export type LoginNotice = keyof typeof LOGIN_NOTICES;

export function LoginPage({ login, notice, next }: { login?: string; notice?: LoginNotice; next?: string }) {
  const t = useT();
  return (
    <AuthShell title={t('signin.login.title')} page="login" data={next ? { next } : {}}>
      <section class="auth-card" aria-labelledby="login-title">
        <header class="auth-head">
          <h1 id="login-title">{t('signin.login.title')}</h1>
          <p class="lead">
            {t('signin.login.new-here')} <a href="/register">{t('common.create-account')}</a>
          </p>
        </header>
        {notice ? (
          <div class={notice === 'revoked' || notice === 'device-revoked' ? 'callout callout-warning' : 'callout callout-info'} role="status">
            <Icon name={notice === 'revoked' || notice === 'device-revoked' ? 'alert' : 'info'} />
            <p>{t(LOGIN_NOTICES[notice])}</p>
          </div>
        ) : null}
        <ErrorSummary />
        <form class="form" id="login-form" novalidate data-form="login">
          <Field name="login" label={t('signin.field.login')} autocomplete="username" value={login} attrs={{ autocapitalize: 'none', spellcheck: 'false', maxlength: '64' }} />
          <Field name="password" label={t('signin.field.password')} type="password" autocomplete="current-password" addon={<RevealButton target="password" />} />
          <div class="form-stack" data-key-password hidden>
            <Field
              name="keyPassword"
              label={t('signin.login.previous-password')}
              type="password"
              autocomplete="off"
              hint={t('signin.login.previous-password-hint')}
              addon={<RevealButton target="keyPassword" />}
            />
          </div>

          <div class="keybox" data-keybox>
            <div class="keybox-status" data-key-status role="status" aria-live="polite">
              <span class="keybox-icon" aria-hidden="true" data-key-icon="pending">
                <Icon name="key" />
              </span>
              <span class="keybox-icon" aria-hidden="true" data-key-icon="stored" hidden>
                <Icon name="checkCircle" />
              </span>
              <span class="keybox-icon keybox-icon-missing" aria-hidden="true" data-key-icon="missing" hidden>
                <Icon name="upload" />
              </span>
              <span class="keybox-text" data-key-text>
                {t('signin.login.key-lookup')}
              </span>
            </div>
            <button type="button" class="link-button" data-action="toggle-import" aria-expanded="false" aria-controls="key-import">
              {t('signin.login.use-backup')}
            </button>
            <div class="key-import" id="key-import" data-key-import hidden>
              <Field
                name="backup"
                label={t('signin.login.backup')}
                type="file"
                hint={t('signin.login.backup-hint')}
                attrs={{ accept: '.pem,.key,.p8,.txt,application/x-pem-file' }}
                wide
              />
              <Field
                name="certificate"
                label={t('signin.login.certificate')}
                type="file"
                required={false}
                hint={t('signin.login.certificate-hint')}
                attrs={{ accept: '.pem,.crt,.cer,application/x-pem-file' }}
                wide
              />
            </div>
          </div>

          <Refusal />
          <SubmitButton label={t('signin.login.submit')} />
          <p class="visually-hidden" data-progress-live role="status" aria-live="polite"></p>
        </form>
        {/* The other way in for someone whose key is on another device: no file to carry over. */}
        <div class="auth-alt">
          <p class="auth-alt-text">
            <strong>{t('signin.login.other-device-title')}</strong> {t('signin.login.other-device-text')}
          </p>
          <a class="btn btn-secondary btn-block" href="/link">
            <Icon name="key" />
            {t('signin.link.use-here-too')}
          </a>
        </div>
      </section>
      <p class="auth-aside">
        <Icon name="key" />
        <span>
          {t('signin.login.lost-key')} <a href="/recover">{t('signin.login.lost-key-link')}</a>.
        </span>
      </p>
      <p class="auth-aside">
        <Icon name="lock" /> {t('signin.login.password-note')}
      </p>
    </AuthShell>
  );
}
