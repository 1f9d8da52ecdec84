// Login (protocol §3): login, password and the private key, either the one this browser keeps
// (encrypted under the password) or a backup file imported here. The script signs the challenge;
// every refusal reason gets its own plain-language message.
import { AuthShell } from '../components/Layout.tsx';
import { ErrorSummary, Field, RevealButton, SubmitButton, Refusal } from '../components/Field.tsx';
import { Icon } from '../components/icons.tsx';

export const LOGIN_NOTICES = {
  'logged-out': 'You have logged out. Your key stays encrypted in this browser.',
  'session-ended': 'Your session has ended. Log in again to continue.',
  revoked: 'Your certificate has been revoked. It can no longer be used to log in.',
  registered: 'Your account is ready. Log in with your password.',
  recovered: 'Your new certificate is ready and its key is stored in this browser. Log in with your password.',
  'device-revoked': 'This device was revoked: its certificate can no longer log in. To use TEKUP_chat here again, link it anew from a device where you are logged in.',
} as const;
export type LoginNotice = keyof typeof LOGIN_NOTICES;

export function LoginPage({ login, notice, next }: { login?: string; notice?: LoginNotice; next?: string }) {
  return (
    <AuthShell title="Log in" page="login" data={next ? { next } : {}}>
      <section class="auth-card" aria-labelledby="login-title">
        <header class="auth-head">
          <h1 id="login-title">Log in</h1>
          <p class="lead">
            New to TEKUP_chat? <a href="/register">Create an account</a>
          </p>
        </header>
        {notice ? (
          <div class={notice === 'revoked' || notice === 'device-revoked' ? 'callout callout-warning' : 'callout callout-info'} role="status">
            <Icon name={notice === 'revoked' || notice === 'device-revoked' ? 'alert' : 'info'} />
            <p>{LOGIN_NOTICES[notice]}</p>
          </div>
        ) : null}
        <ErrorSummary />
        <form class="form" id="login-form" novalidate data-form="login">
          <Field name="login" label="Login" autocomplete="username" value={login} attrs={{ autocapitalize: 'none', spellcheck: 'false', maxlength: '64' }} />
          <Field name="password" label="Password" type="password" autocomplete="current-password" addon={<RevealButton target="password" />} />
          <div class="form-stack" data-key-password hidden>
            <Field
              name="keyPassword"
              label="Previous password"
              type="password"
              autocomplete="off"
              hint="Changed your password on another device? The key kept in this browser still opens with the password you had then; it is re-encrypted with your new one once you are in."
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
                Your private key is looked up in this browser when you enter your login.
              </span>
            </div>
            <button type="button" class="link-button" data-action="toggle-import" aria-expanded="false" aria-controls="key-import">
              Use a key backup file instead
            </button>
            <div class="key-import" id="key-import" data-key-import hidden>
              <Field
                name="backup"
                label="Key backup file"
                type="file"
                hint="The .pem file you saved when you registered: your encrypted private key, usually with your certificate. Unencrypted PKCS#8 keys work too."
                attrs={{ accept: '.pem,.key,.p8,.txt,application/x-pem-file' }}
                wide
              />
              <Field
                name="certificate"
                label="Certificate"
                type="file"
                required={false}
                hint="Only needed when the backup file holds no certificate."
                attrs={{ accept: '.pem,.crt,.cer,application/x-pem-file' }}
                wide
              />
            </div>
          </div>

          <Refusal />
          <SubmitButton label="Log in" />
          <p class="visually-hidden" data-progress-live role="status" aria-live="polite"></p>
        </form>
        {/* The other way in for someone whose key is on another device: no file to carry over. */}
        <div class="auth-alt">
          <p class="auth-alt-text">
            <strong>Logged in on another device, and no key here?</strong> Link this browser: it gets a key of its own, approved from that device.
          </p>
          <a class="btn btn-secondary btn-block" href="/link">
            <Icon name="key" />
            Use TEKUP_chat on this device too
          </a>
        </div>
      </section>
      <p class="auth-aside">
        <Icon name="key" />
        <span>
          Lost your key, or your certificate was revoked or expired? Ask an operator for a recovery code, then <a href="/recover">recover access</a>.
        </span>
      </p>
      <p class="auth-aside">
        <Icon name="lock" /> Your password opens your key here, in the browser; the server checks it against a salted hash and never stores it.
      </p>
    </AuthShell>
  );
}
