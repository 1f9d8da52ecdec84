// Recovery (extension, docs/protocol.md): for someone who cannot log in any more — their
// certificate was revoked or has expired, or this browser lost their key. With the one-time code
// an operator gave them and their password, the browser makes a new key and CSR exactly as
// registration does, keeps the key encrypted under the password, and gets a new certificate.
// Someone who forgot the password too chooses a new one instead, with a code issued for that.
import { AuthShell } from '../components/Layout.tsx';
import { ErrorSummary, Field, RevealButton, SubmitButton } from '../components/Field.tsx';
import { Icon } from '../components/icons.tsx';
import { ProgressSteps } from '../components/Issued.tsx';
import { IssuedStep } from '../components/IssuedStep.tsx';
import { useT } from '../i18n.ts';

export function RecoverPage({ login }: { login?: string }) {
  const t = useT();
  return (
    <AuthShell title={t('signin.recover.title')} page="recover">
      <section class="auth-card" data-step="form" aria-labelledby="recover-title">
        <header class="auth-head">
          <h1 id="recover-title">{t('signin.recover.title')}</h1>
          <p class="lead">
            {t('signin.recover.lead')} <a href="/login">{t('signin.back-to-login')}</a>
          </p>
        </header>
        <ErrorSummary />
        <form class="form" id="recover-form" novalidate data-form="recover">
          <Field name="login" label={t('signin.field.login')} autocomplete="username" value={login} attrs={{ autocapitalize: 'none', spellcheck: 'false', maxlength: '64' }} />
          <Field
            name="password"
            label={t('signin.field.password')}
            hint={t('signin.recover.password-hint')}
            type="password"
            autocomplete="current-password"
            addon={<RevealButton target="password" />}
          />
          <label class="check">
            <input type="checkbox" name="forgot" data-forgot aria-controls="new-password-fields" />
            <span>{t('signin.recover.forgot')}</span>
          </label>
          <div id="new-password-fields" class="form-stack" data-new-password hidden>
            <Field name="newPassword" label={t('signin.recover.new-password')} hint={`${t('signin.hint.password')} ${t('signin.recover.new-password-hint')}`} type="password" autocomplete="new-password" addon={<RevealButton target="newPassword" />} />
            <Field name="confirmPassword" label={t('signin.recover.new-password-again')} type="password" autocomplete="new-password" />
            <p class="muted small">{t('signin.recover.sealed-note')}</p>
          </div>
          <Field
            name="code"
            label={t('signin.recover.code')}
            hint={t('signin.recover.code-hint')}
            autocomplete="one-time-code"
            attrs={{ autocapitalize: 'characters', spellcheck: 'false', maxlength: '64', class: 'input mono' }}
          />
          <div class="callout callout-info">
            <Icon name="key" />
            <p>{t('signin.recover.key-note')}</p>
          </div>
          <div class="form-error" data-form-error role="alert" tabindex={-1} hidden></div>
          <SubmitButton label={t('signin.recover.submit')} />
          <ProgressSteps
            steps={[
              ['key', t('signin.recover.progress-key')],
              ['store', t('signin.progress.store')],
              ['recover', t('signin.progress.certificate')],
            ]}
          />
        </form>
      </section>

      <IssuedStep
        titleId="recovered-title"
        title={t('signin.recover.done-title')}
        lead={t('signin.recover.done-lead')}
        backupTitle={t('signin.recover.backup-title')}
        backupText={t('signin.recover.backup-text')}
        next={
          <a class="btn btn-primary" href="/login" data-login-link>
            {t('common.log-in')}
          </a>
        }
        asForm
      />
    </AuthShell>
  );
}
