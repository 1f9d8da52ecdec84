// The prompt a logged-in device shows when a new device asks to be linked (protocol §6). It says
// what the new device calls itself, where the request came from and its key's fingerprint, so the
// person can tell their own new phone from someone who has their password; only typing the code
// that phone shows approves it. One dialog on every signed-in page, empty here: the script fills it
// for each request and opens it (src/client/ui/device-requests.ts).
import { Field } from './Field.tsx';
import { Icon } from './icons.tsx';

export function DeviceRequestDialog() {
  return (
    <dialog class="dialog" id="device-request-dialog" aria-labelledby="device-request-title" aria-describedby="device-request-lead">
      <form class="form" method="dialog" data-form="device-request" novalidate>
        <h2 id="device-request-title">Link a new device?</h2>
        <p id="device-request-lead" class="muted" data-request-lead></p>
        <dl class="facts request-facts">
          <div>
            <dt>Device</dt>
            <dd data-request-name></dd>
          </div>
          <div>
            <dt>Where from</dt>
            <dd data-request-from></dd>
          </div>
          <div>
            <dt>Its key fingerprint (SHA-256)</dt>
            <dd class="fingerprint" data-request-fingerprint></dd>
          </div>
          <div>
            <dt>Expires</dt>
            <dd data-request-expiry></dd>
          </div>
        </dl>
        <div class="form-stack" data-request-ask>
          <div class="callout callout-warning">
            <Icon name="shieldAlert" />
            <p>Approve only a device you are setting up yourself, now. Whoever you approve can read the messages you receive from now on.</p>
          </div>
          <Field
            name="linkCode"
            label="Code shown on the new device"
            hint="6 digits. Check that the new device shows the same key fingerprint as above."
            inputmode="numeric"
            autocomplete="one-time-code"
            attrs={{ maxlength: '6', spellcheck: 'false', autocapitalize: 'none' }}
          />
        </div>
        <p class="form-error" data-form-error role="alert" hidden></p>
        {/* Always in the page, so what it says is announced when it says it. */}
        <p class="request-result" data-request-result role="status"></p>
        <div class="form-actions form-actions-split" data-request-actions>
          <button type="button" class="btn btn-ghost" data-action="later-device">
            Not now
          </button>
          <button type="button" class="btn btn-secondary" data-action="refuse-device">
            <span class="spinner" aria-hidden="true"></span>
            Refuse
          </button>
          <button type="submit" class="btn btn-primary" data-submit>
            <span class="spinner" aria-hidden="true"></span>
            Approve
          </button>
        </div>
        <div class="form-actions form-actions-split" data-request-done hidden>
          <button type="button" class="btn btn-primary" data-action="done-device">
            Close
          </button>
        </div>
      </form>
    </dialog>
  );
}
