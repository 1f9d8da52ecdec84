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

export function LinkPage({ login }: { login?: string }) {
  return (
    <AuthShell title="Use TEKUP_chat on this device" page="link">
      <section class="auth-card" data-step="form" aria-labelledby="link-title">
        <header class="auth-head">
          <h1 id="link-title">Use TEKUP_chat on this device too</h1>
          <p class="lead">
            For an account you already use on another device. Not registered yet? <a href="/register">Create an account</a>
          </p>
        </header>
        <ErrorSummary />
        <form class="form" novalidate data-form="link">
          <Field name="login" label="Login" autocomplete="username" value={login} attrs={{ autocapitalize: 'none', spellcheck: 'false', maxlength: '64' }} />
          <Field name="password" label="Password" type="password" autocomplete="current-password" addon={<RevealButton target="password" />} />
          <Field
            name="deviceName"
            label="Name of this device"
            hint="How your other devices list it, e.g. “Phone” or “Office laptop”."
            autocomplete="off"
            attrs={{ maxlength: String(DEVICE_NAME_MAX) }}
          />
          <div class="callout callout-info">
            <Icon name="key" />
            <p>
              This browser creates a key of its own, kept here encrypted with your password. You then approve it on a device where you are logged in, with a code
              shown here. Messages from before today stay readable only on your other devices.
            </p>
          </div>
          <Refusal />
          <SubmitButton label="Link this device" />
          <ProgressSteps
            steps={[
              ['key', 'Creating this device’s key'],
              ['store', 'Encrypting it with your password'],
              ['ask', 'Asking your other devices'],
            ]}
          />
        </form>
      </section>

      <section class="auth-card" data-step="wait" aria-labelledby="wait-title" hidden>
        <header class="auth-head">
          <h1 id="wait-title" tabindex={-1}>
            Type this code on a device where you are logged in
          </h1>
          <p class="lead">It shows a prompt “Link a new device?”. Enter the code there and approve.</p>
        </header>
        <p class="link-code">
          <span class="visually-hidden">Code: </span>
          <span data-link-code></span>
        </p>
        <dl class="facts">
          <div>
            <dt>This device’s key fingerprint (SHA-256)</dt>
            <dd class="fingerprint" data-link-fingerprint></dd>
          </div>
          <div>
            <dt>Device name</dt>
            <dd data-link-name></dd>
          </div>
          <div>
            <dt>Time left</dt>
            <dd data-link-countdown></dd>
          </div>
        </dl>
        <p class="link-status" data-link-status role="status" aria-live="polite">
          <span class="spinner is-on" aria-hidden="true"></span>
          <span data-link-status-text>Waiting for your approval…</span>
        </p>
        <p class="muted small">The prompt shows the same key fingerprint: compare them. Keep this page open until you are logged in.</p>
      </section>

      <section class="auth-card" data-step="ended" aria-labelledby="ended-title" hidden>
        <header class="auth-head">
          <h1 id="ended-title" tabindex={-1} data-ended-title></h1>
          <p class="lead" data-ended-text></p>
        </header>
        <div class="form-actions form-actions-split">
          <a class="btn btn-ghost" href="/login">
            Back to log in
          </a>
          <button type="button" class="btn btn-primary" data-action="link-again">
            Start again
          </button>
        </div>
      </section>

      <p class="auth-aside">
        <Icon name="lock" /> Your password is checked as at login and opens this device’s key only here, in the browser.
      </p>
    </AuthShell>
  );
}
