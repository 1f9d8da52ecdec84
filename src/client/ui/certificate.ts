// My certificate: key backup download, renewal (a new key made here, its CSR, the new certificate,
// the new encrypted backup), revocation, and the password change (the keys kept here re-encrypted
// with the new password).
import { decryptPrivateKey, encryptPrivateKey, BackupError } from '../backup.ts';
import { generateKey } from '../keys.ts';
import { makeCsr } from '../csr.ts';
import * as v from 'valibot';
import { issuesToFields, type EnrollResponse } from '../../protocol/enroll.ts';
import { passwordChangeSchema, type PasswordChangeResponse } from '../../protocol/account.ts';
import { ApiError, api } from './api.ts';
import { $, $$, downloadText, must, setBusy } from './dom.ts';
import { FormUi, inPageLanguage, bindRevealButtons, repeatError, type FieldErrors } from './fields.ts';
import { deleteBackup, forgetUnlocked, getBackup, getUnlocked, resealAll, saveBackup, saveUnlocked } from './keystore.ts';
import { backupFileName, backupFileText } from './backup-file.ts';
import { signIn } from './signin.ts';
import { leaveOnPurpose, me } from './shell.ts';
import { t } from '../i18n.ts';

export function notice(text: string, error = false, action?: { label: string; run: () => void }): void {
  const box = must('[data-cert-notice]');
  box.classList.toggle('is-error', error);
  box.replaceChildren(document.createTextNode(text));
  if (action) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'link-button';
    b.textContent = action.label;
    b.addEventListener('click', action.run);
    box.append(' ', b);
  }
  box.hidden = false;
}

async function downloadBackup(): Promise<void> {
  const stored = await getBackup(me()).catch(() => undefined);
  if (!stored) {
    notice(t('acct.cert.no-stored-backup'), true);
    return;
  }
  downloadText(backupFileName(stored.login), backupFileText(stored.login, stored.backup, stored.certificate, (stored.previous ?? []).map((p) => p.backup)));
}

const PASSWORD_FIELDS = ['currentPassword', 'newPassword', 'confirmPassword'];

function bindPasswordDialog(dialog: HTMLDialogElement): void {
  const form = must<HTMLFormElement>('form', dialog);
  const ui = new FormUi(form, { markValid: false });
  const submit = must<HTMLButtonElement>('[data-submit]', form);
  const error = must('[data-form-error]', form);
  const check = (): FieldErrors => {
    const parsed = v.safeParse(passwordChangeSchema, { currentPassword: ui.value('currentPassword'), newPassword: ui.value('newPassword') });
    const errors: FieldErrors = parsed.success ? {} : inPageLanguage(issuesToFields(parsed.issues));
    if (!errors.newPassword && ui.value('newPassword').toLowerCase() === me().toLowerCase()) errors.newPassword = t('acct.password.not-login');
    errors.confirmPassword = repeatError(ui.value('newPassword'), ui.value('confirmPassword'));
    return Object.fromEntries(PASSWORD_FIELDS.map((n) => [n, errors[n]]));
  };
  ui.live(PASSWORD_FIELDS, check, { newPassword: ['confirmPassword'] });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    if (!ui.submitCheck(check(), PASSWORD_FIELDS)) return ui.focusFirstInvalid();
    setBusy(submit, true);
    try {
      const login = me();
      const current = ui.value('currentPassword');
      const next = ui.value('newPassword');
      const stored = await getBackup(login).catch(() => undefined);
      // Sealed again before the server hears of it: if this browser cannot, nothing changes anywhere.
      const resealed = stored ? await resealAll(stored, current, next) : undefined;
      const res = await api<PasswordChangeResponse>('POST', '/api/v1/account/password', { currentPassword: current, newPassword: next });
      if (stored && resealed) await saveBackup({ ...stored, ...resealed });
      // Every other session ended: the list says so without a reload.
      for (const b of $$('[data-action="end-session"]')) b.closest('li')?.remove();
      dialog.close();
      form.reset();
      const others = res.sessionsEnded === 0 ? [] : [t('acct.password.others-ended', { count: res.sessionsEnded })];
      notice([t('acct.password.changed'), ...others, t('acct.password.old-backups')].join(' '), false, {
        label: t('acct.download-backup'),
        run: () => void downloadBackup(),
      });
    } catch (err) {
      if (err instanceof BackupError && err.code === 'wrong_password') {
        ui.setError('currentPassword', t('acct.password.not-yours'));
        ui.input('currentPassword').focus();
      } else if (err instanceof ApiError && Object.keys(err.fields).length) {
        ui.show(err.fields);
        ui.focusFirstInvalid();
      } else {
        error.textContent = err instanceof ApiError ? err.message : t('acct.password.reseal-failed');
        error.hidden = false;
      }
    } finally {
      setBusy(submit, false);
    }
  });
}

/** Logs out one of the other sessions in the list; one that had ended already just goes. */
async function endSession(button: HTMLButtonElement): Promise<void> {
  setBusy(button, true);
  try {
    await api('DELETE', `/api/v1/sessions/${button.dataset.sessionId}`).catch((err: unknown) => {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    });
    button.closest('li')?.remove();
    notice(t('acct.session.ended'));
  } catch (err) {
    notice(err instanceof ApiError ? err.message : t('acct.session.end-failed'), true);
    setBusy(button, false);
  }
}

export function initCertificate(): void {
  bindRevealButtons();
  for (const b of $$('[data-action="download-backup"]')) b.addEventListener('click', () => void downloadBackup());

  const renewDialog = $<HTMLDialogElement>('#renew-dialog');
  const revokeDialog = $<HTMLDialogElement>('#revoke-dialog');
  const passwordDialog = $<HTMLDialogElement>('#password-dialog');
  $('[data-action="open-renew"]')?.addEventListener('click', () => renewDialog?.showModal());
  $('[data-action="open-password"]')?.addEventListener('click', () => passwordDialog?.showModal());
  for (const b of $$<HTMLButtonElement>('[data-action="end-session"]')) b.addEventListener('click', () => void endSession(b));
  if (passwordDialog) bindPasswordDialog(passwordDialog);
  $('[data-action="open-revoke"]')?.addEventListener('click', () => revokeDialog?.showModal());
  const receipts = $<HTMLInputElement>('[data-action="read-receipts"]');
  receipts?.addEventListener('change', () => void setReceipts(receipts));
  for (const b of $$('[data-action="close-dialog"]')) b.addEventListener('click', () => b.closest('dialog')?.close());

  if (renewDialog) {
    const form = must<HTMLFormElement>('form', renewDialog);
    const ui = new FormUi(form, { markValid: false });
    const submit = must<HTMLButtonElement>('[data-submit]', form);
    const error = must('[data-form-error]', form);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.hidden = true;
      const password = ui.value('renew-password');
      if (!password) {
        ui.setError('renew-password', t('acct.enter-password'));
        ui.input('renew-password').focus();
        return;
      }
      ui.setError('renew-password', undefined);
      setBusy(submit, true);
      try {
        const login = me();
        const stored = await getBackup(login);
        // The password must be the one that opens the current key: a typo here would lock the new key away.
        if (stored) (await decryptPrivateKey(stored.backup, password)).fill(0);
        const key = await generateKey();
        let csr: string;
        let backup: string;
        try {
          csr = await makeCsr(key, login);
          backup = await encryptPrivateKey(key.pkcs8, password);
        } finally {
          key.forget();
        }
        const compromised = must<HTMLInputElement>('[data-compromised]', form).checked;
        const renewed = await api<EnrollResponse>('POST', '/api/v1/certificate/renew', { csr, reason: compromised ? 'keyCompromise' : 'superseded' });
        // The old key is kept (encrypted) to read the messages wrapped for it before today.
        const previous = stored ? [{ backup: stored.backup, serial: stored.serial }, ...(stored.previous ?? [])] : [];
        await saveBackup({ login, backup, certificate: renewed.certificate, serial: renewed.serial, previous });
        const was = await getUnlocked(login).catch(() => undefined);
        const previousDecrypt = was ? [was.keys.decrypt, ...(was.previousDecrypt ?? [])] : [];
        const previousSerials = was ? [was.serial, ...(was.previousDecrypt ?? []).map((_, i) => was.previousSerials?.[i])] : [];
        // A compromised old key ends every session opened with it, this one included: log in again with the new key.
        if (compromised) await signIn(login, password, key, renewed.certificate, previousDecrypt, previousSerials);
        else await saveUnlocked({ login, keys: key.privateKeys, certificate: renewed.certificate, serial: renewed.serial, previousDecrypt, previousSerials });
        renewDialog.close();
        form.reset();
        document.body.dispatchEvent(new CustomEvent('certificate-changed'));
        notice(t('acct.renew.done'), false, { label: t('acct.download-backup'), run: () => void downloadBackup() });
      } catch (err) {
        if (err instanceof BackupError && err.code === 'wrong_password') {
          ui.setError('renew-password', t('acct.renew.not-yours'));
          ui.input('renew-password').focus();
        } else {
          error.textContent = err instanceof ApiError ? err.message : t('acct.renew.key-failed');
          error.hidden = false;
        }
      } finally {
        setBusy(submit, false);
      }
    });
  }

  if (revokeDialog) {
    const form = must<HTMLFormElement>('form', revokeDialog);
    const submit = must<HTMLButtonElement>('[data-submit]', form);
    const error = must('[data-form-error]', form);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.hidden = true;
      setBusy(submit, true);
      // The server ends this session's stream as it revokes, possibly before its answer is read
      // here: that end must not send the page to "session ended" instead of "revoked".
      const stay = leaveOnPurpose();
      try {
        const reason = must<HTMLSelectElement>('select[name="reason"]', form).value;
        await api('POST', '/api/v1/certificate/revoke', { reason });
        await forgetUnlocked().catch(() => {});
        await deleteBackup(me()).catch(() => {});
        location.assign('/login?notice=revoked');
      } catch (err) {
        stay();
        error.textContent = err instanceof ApiError ? err.message : String(err);
        error.hidden = false;
        setBusy(submit, false);
      }
    });
  }
}

/** Read receipts on or off, kept on the server; the box goes back if the server did not take it. */
async function setReceipts(box: HTMLInputElement): Promise<void> {
  const error = $('[data-receipts-error]');
  if (error) error.hidden = true;
  box.disabled = true;
  try {
    await api('PUT', '/api/v1/account/read-receipts', { enabled: box.checked });
  } catch (err) {
    box.checked = !box.checked;
    if (error) {
      error.textContent = t('acct.receipts.not-changed', { reason: err instanceof Error ? err.message : String(err) });
      error.hidden = false;
    }
  } finally {
    box.disabled = false;
    box.focus();
  }
}
