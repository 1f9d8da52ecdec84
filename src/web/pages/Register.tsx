// Registration (protocol §2): the fields with their rules as hints; the browser script validates
// them as you type with the same valibot schema as the server, makes the RSA key and the CSR,
// enrolls, and keeps the key encrypted under the password (IndexedDB, plus a backup file).
import { FIELD_HINTS } from '../../protocol/enroll.ts';
import { AuthShell } from '../components/Layout.tsx';
import { ErrorSummary, Field, RevealButton, SubmitButton } from '../components/Field.tsx';
import { Icon } from '../components/icons.tsx';
import { ProgressSteps } from '../components/Issued.tsx';
import { IssuedStep } from '../components/IssuedStep.tsx';

export interface RegisterProps {
  /** The configured card-number pattern (RegExp source), for the script's checks. */
  cardPattern: string;
  cardHint: string;
}

export function RegisterPage({ cardPattern, cardHint }: RegisterProps) {
  return (
    <AuthShell title="Create your account" page="register" data={{ 'card-pattern': cardPattern }}>
      <section class="auth-card" data-step="form" aria-labelledby="register-title">
        <header class="auth-head">
          <h1 id="register-title">Create your account</h1>
          <p class="lead">
            Already registered? <a href="/login">Log in</a>
          </p>
        </header>
        <ErrorSummary />
        <form class="form" id="register-form" novalidate data-form="register">
          <fieldset class="form-section">
            <legend class="form-section-title">Who you are</legend>
            <div class="field-row">
              <Field name="firstName" label="First name" hint={FIELD_HINTS.firstName} autocomplete="given-name" attrs={{ maxlength: '64' }} />
              <Field name="lastName" label="Last name" hint={FIELD_HINTS.lastName} autocomplete="family-name" attrs={{ maxlength: '64' }} />
            </div>
            <Field name="cardNumber" label="Identity card number" hint={cardHint} inputmode="numeric" autocomplete="off" attrs={{ spellcheck: 'false' }} />
            <Field name="email" label="Email address" hint={FIELD_HINTS.email} type="email" autocomplete="email" attrs={{ spellcheck: 'false', maxlength: '254' }} />
          </fieldset>
          <fieldset class="form-section">
            <legend class="form-section-title">How you sign in</legend>
            <Field
              name="login"
              label="Login"
              hint={FIELD_HINTS.login}
              autocomplete="username"
              attrs={{ autocapitalize: 'none', spellcheck: 'false', maxlength: '32' }}
            />
            <Field
              name="password"
              label="Password"
              hint={`${FIELD_HINTS.password} It also encrypts your private key and its backup. You can change it later on My certificate; if you forget it, an operator can give you a code to choose a new one (with a new key).`}
              type="password"
              autocomplete="new-password"
              addon={<RevealButton target="password" />}
            />
            <Field name="password2" label="Repeat the password" type="password" autocomplete="new-password" />
          </fieldset>
          <div class="callout callout-info">
            <Icon name="key" />
            <p>
              When you continue, this browser creates your private key and a certificate request. The key never leaves this device unencrypted; TEKUP_chat's authority signs your
              certificate.
            </p>
          </div>
          <div class="form-error" data-form-error role="alert" hidden></div>
          <SubmitButton label="Create my account" />
          <ProgressSteps
            steps={[
              ['key', 'Creating your key'],
              ['store', 'Encrypting it with your password'],
              ['enroll', 'Getting your certificate'],
            ]}
          />
        </form>
      </section>

      <IssuedStep
        titleId="done-title"
        title={
          <>
            Welcome, <span data-done-name></span>
          </>
        }
        lead="Your certificate is ready and your key is stored, encrypted, in this browser."
        backupTitle="Download your key backup now."
        backupText="It is the only way to log in from another browser, or after clearing this one. It is encrypted with your password."
        next={
          <button type="button" class="btn btn-primary" data-action="continue">
            <span class="spinner" aria-hidden="true"></span>
            Continue to TEKUP_chat
          </button>
        }
      >
        <p class="form-error" data-continue-error role="alert" hidden></p>
      </IssuedStep>
    </AuthShell>
  );
}
