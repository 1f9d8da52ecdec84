// The prompt a logged-in device shows when a new device asks to be linked (protocol §6). It says
// what the new device calls itself, where the request came from and its key's fingerprint, so the
// person can tell their own new phone from someone who has their password; only typing the code
// that phone shows approves it. One dialog on every signed-in page, empty here: the script fills it
// for each request and opens it (src/client/ui/device-requests.ts).
import { Field } from './Field.tsx';
import { Icon } from './icons.tsx';
import { useT } from '../i18n.ts';

export function DeviceRequestDialog() {
  const t = useT();
  return (
    <dialog class="dialog" id="device-request-dialog" aria-labelledby="device-request-title" aria-describedby="device-request-lead">
      <form class="form" method="dialog" data-form="device-request" novalidate>
        <h2 id="device-request-title">{t('account.request.title')}</h2>
        <p id="device-request-lead" class="muted" data-request-lead></p>
        <dl class="facts request-facts">
          <div>
            <dt>{t('account.request.device')}</dt>
            <dd data-request-name></dd>
          </div>
          <div>
            <dt>{t('account.request.from')}</dt>
            <dd data-request-from></dd>
          </div>
          <div>
            <dt>{t('account.request.fingerprint')}</dt>
            <dd class="fingerprint" data-request-fingerprint></dd>
          </div>
          <div>
            <dt>{t('account.request.expires')}</dt>
            <dd data-request-expiry></dd>
          </div>
        </dl>
        <div class="form-stack" data-request-ask>
          <div class="callout callout-warning">
            <Icon name="shieldAlert" />
            <p>{t('account.request.warning')}</p>
          </div>
          <Field
            name="linkCode"
            label={t('account.request.code')}
            hint={t('account.request.code-hint')}
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
            {t('account.request.later')}
          </button>
          <button type="button" class="btn btn-secondary" data-action="refuse-device">
            <span class="spinner" aria-hidden="true"></span>
            {t('account.request.refuse')}
          </button>
          <button type="submit" class="btn btn-primary" data-submit>
            <span class="spinner" aria-hidden="true"></span>
            {t('account.request.approve')}
          </button>
        </div>
        <div class="form-actions form-actions-split" data-request-done hidden>
          <button type="button" class="btn btn-primary" data-action="done-device">
            {t('account.request.close')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
