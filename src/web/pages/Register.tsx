// Registration (protocol §2): the fields with their rules as hints; the browser script validates
// them as you type with the same valibot schema as the server, makes the RSA key and the CSR,
// enrolls, and keeps the key encrypted under the password (IndexedDB, plus a backup file).
import { AuthShell } from '../components/Layout.tsx';
import { ErrorSummary, Field, RevealButton, SubmitButton } from '../components/Field.tsx';
import { Icon } from '../components/icons.tsx';
import { ProgressSteps } from '../components/Issued.tsx';
import { IssuedStep } from '../components/IssuedStep.tsx';
import { useT } from '../i18n.ts';

export interface RegisterProps {
  /** The configured card-number pattern (RegExp source), for the script's checks. */
  cardPattern: string;
  /** The operator set their own card number pattern: the default's "8 digits" would be wrong. */
  customCardPattern: boolean;
}

export function RegisterPage({ cardPattern, customCardPattern }: RegisterProps) {
  const t = useT();
  return (
    <AuthShell title={t('signin.register.title')} page="register" data={{ 'card-pattern': cardPattern }}>
      <section class="auth-card" data-step="form" aria-labelledby="register-title">
        <header class="auth-head">
          <h1 id="register-title">{t('signin.register.title')}</h1>
          <p class="lead">
            {t('signin.register.already')} <a href="/login">{t('common.log-in')}</a>
          </p>
        </header>
        <ErrorSummary />
        <form class="form" id="register-form" novalidate data-form="register">
          <fieldset class="form-section">
            <legend class="form-section-title">{t('signin.register.who')}</legend>
            <div class="field-row">
              <Field name="firstName" label={t('signin.register.first-name')} hint={t('signin.hint.name')} autocomplete="given-name" attrs={{ maxlength: '64' }} />
              <Field name="lastName" label={t('signin.register.last-name')} hint={t('signin.hint.name')} autocomplete="family-name" attrs={{ maxlength: '64' }} />
            </div>
            <Field name="cardNumber" label={t('signin.register.card-number')} hint={t(customCardPattern ? 'signin.hint.card-number-custom' : 'signin.hint.card-number')} inputmode="numeric" autocomplete="off" attrs={{ spellcheck: 'false' }} />
            <Field name="email" label={t('signin.register.email')} hint={t('signin.hint.email')} type="email" autocomplete="email" attrs={{ spellcheck: 'false', maxlength: '254' }} />
          </fieldset>
          <fieldset class="form-section">
            <legend class="form-section-title">{t('signin.register.how')}</legend>
            <Field
              name="login"
              label={t('signin.field.login')}
              hint={t('signin.hint.login')}
              autocomplete="username"
              attrs={{ autocapitalize: 'none', spellcheck: 'false', maxlength: '32' }}
            />
            <Field
              name="password"
              label={t('signin.field.password')}
              hint={`${t('signin.hint.password')} ${t('signin.register.password-hint')}`}
              type="password"
              autocomplete="new-password"
              addon={<RevealButton target="password" />}
            />
            <Field name="password2" label={t('signin.register.password-again')} type="password" autocomplete="new-password" />
          </fieldset>
          <div class="callout callout-info">
            <Icon name="key" />
            <p>{t('signin.register.key-note')}</p>
          </div>
          <div class="form-error" data-form-error role="alert" hidden></div>
          <SubmitButton label={t('signin.register.submit')} />
          <ProgressSteps
            steps={[
              ['key', t('signin.register.progress-key')],
              ['store', t('signin.progress.store')],
              ['enroll', t('signin.progress.certificate')],
            ]}
          />
        </form>
      </section>

      <IssuedStep
        titleId="done-title"
        title={
          <>
            {t('signin.register.welcome')} <span data-done-name></span>
          </>
        }
        lead={t('signin.register.done-lead')}
        backupTitle={t('signin.register.backup-title')}
        backupText={t('signin.register.backup-text')}
        next={
          <button type="button" class="btn btn-primary" data-action="continue">
            <span class="spinner" aria-hidden="true"></span>
            {t('signin.register.continue')}
          </button>
        }
      >
        <p class="form-error" data-continue-error role="alert" hidden></p>
      </IssuedStep>
    </AuthShell>
  );
}
