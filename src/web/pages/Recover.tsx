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
import { FIELD_HINTS } from '../../protocol/enroll.ts';

export function RecoverPage({ login }: { login?: string }) {
  return (
    <AuthShell title="Recover access" page="recover">
      <section class="auth-card" data-step="form" aria-labelledby="recover-title">
        <header class="auth-head">
          <h1 id="recover-title">Recover access</h1>
          <p class="lead">
            For when your certificate was revoked or has expired, or your key is lost. <a href="/login">Back to log in</a>
          </p>
        </header>
        <ErrorSummary />
        <form class="form" id="recover-form" novalidate data-form="recover">
          <Field name="login" label="Login" autocomplete="username" value={login} attrs={{ autocapitalize: 'none', spellcheck: 'false', maxlength: '64' }} />
          <Field
            name="password"
            label="Password"
            hint="The password of your account. It also encrypts your new key in this browser."
            type="password"
            autocomplete="current-password"
            addon={<RevealButton target="password" />}
          />
          <label class="check">
            <input type="checkbox" name="forgot" data-forgot aria-controls="new-password-fields" />
            <span>I forgot my password: choose a new one (the operator must have issued the code for this)</span>
          </label>
          <div id="new-password-fields" class="form-stack" data-new-password hidden>
            <Field name="newPassword" label="New password" hint={`${FIELD_HINTS.password} It also encrypts your new key in this browser.`} type="password" autocomplete="new-password" addon={<RevealButton target="newPassword" />} />
            <Field name="confirmPassword" label="New password again" type="password" autocomplete="new-password" />
            <p class="muted small">Messages sent to you before stay sealed for your earlier keys, which only your old password opens.</p>
          </div>
          <Field
            name="code"
            label="Recovery code"
            hint="The one-time code a TEKUP_chat operator gave you, like ABCD-EFGH-…; capitals and dashes are optional."
            autocomplete="one-time-code"
            attrs={{ autocapitalize: 'characters', spellcheck: 'false', maxlength: '64', class: 'input mono' }}
          />
          <div class="callout callout-info">
            <Icon name="key" />
            <p>
              This browser creates a new private key and a certificate request. The key never leaves this device unencrypted. Your new certificate replaces every earlier one, and
              sessions still open elsewhere end.
            </p>
          </div>
          <div class="form-error" data-form-error role="alert" tabindex={-1} hidden></div>
          <SubmitButton label="Get a new certificate" />
          <ProgressSteps
            steps={[
              ['key', 'Creating your new key'],
              ['store', 'Encrypting it with your password'],
              ['recover', 'Getting your certificate'],
            ]}
          />
        </form>
      </section>

      <IssuedStep
        titleId="recovered-title"
        title="Access recovered"
        lead="Your new certificate is ready and your new key is stored, encrypted, in this browser. Earlier certificates are revoked."
        backupTitle="Download your new key backup."
        backupText="Your old backup no longer logs you in; this one does, from any browser. It is encrypted with your password."
        next={
          <a class="btn btn-primary" href="/login" data-login-link>
            Log in
          </a>
        }
        asForm
      />
    </AuthShell>
  );
}
