// My devices (protocol §6): revoking one, confirmed in a dialog. The list is an htmx fragment
// (/ui/devices) reloaded on `devices-changed`, so its buttons are found through the document, not
// bound one by one. Revoking the device in hand ends this session too: it then leaves as revoking
// the certificate does, its key forgotten here (that certificate will never log in again).
import { ApiError, api } from './api.ts';
import { $, $$, must, setBusy } from './dom.ts';
import { deleteBackup, forgetUnlocked } from './keystore.ts';
import { leaveOnPurpose, me } from './shell.ts';
import { notice } from './certificate.ts';
import { t } from '../i18n.ts';

export function initDevices(): void {
  const found = $<HTMLDialogElement>('#device-revoke-dialog');
  if (!found) return;
  const dialog = found;
  const form = must<HTMLFormElement>('form', dialog);
  const submit = must<HTMLButtonElement>('[data-submit]', form);
  const error = must('[data-form-error]', form);
  const currentBox = must('[data-device-revoke-current]', form);
  let target: { serial: string; name: string; current: boolean } | undefined;

  document.addEventListener('click', (e) => {
    const button = e.target instanceof Element ? e.target.closest<HTMLButtonElement>('[data-action="revoke-device"]') : null;
    const row = button?.closest<HTMLElement>('[data-device]');
    if (!button || !row) return;
    const current = row.dataset.current === 'true';
    target = { serial: row.dataset.device ?? '', name: row.dataset.deviceName ?? '', current };
    must('[data-device-revoke-name]', form).textContent = target.name;
    const only = $$('[data-devices] > li').length === 1;
    must('[data-device-revoke-current-text]', form).textContent = only
      ? t('acct.devices.only-device')
      : current
        ? t('acct.devices.this-device')
        : '';
    currentBox.hidden = !(current || only);
    error.hidden = true;
    dialog.showModal();
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = target;
    if (!chosen) return;
    error.hidden = true;
    setBusy(submit, true);
    // The server ends this device's sessions as it revokes, this one's too when it is this device:
    // that end must not send the page to "session ended" instead of saying why.
    const stay = chosen.current ? leaveOnPurpose() : () => {};
    try {
      await api('DELETE', `/api/v1/devices/${chosen.serial}`).catch((err: unknown) => {
        // Revoked meanwhile (from another device): what was wanted is done.
        if (!(err instanceof ApiError && err.status === 404)) throw err;
      });
      if (chosen.current) {
        await forgetUnlocked().catch(() => {});
        await deleteBackup(me()).catch(() => {});
        location.assign('/login?notice=device-revoked');
        return;
      }
      dialog.close();
      notice(t('acct.devices.revoked', { name: chosen.name }));
      document.body.dispatchEvent(new CustomEvent('devices-changed'));
    } catch (err) {
      stay();
      error.textContent = err instanceof ApiError ? err.message : String(err);
      error.hidden = false;
    } finally {
      setBusy(submit, false);
    }
  });
}
