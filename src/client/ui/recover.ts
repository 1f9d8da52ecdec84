// The recovery page: checks as you type with the route's own schema, then, as registration does, a
// fresh RSA key, its encrypted backup (before anything is sent, so no certificate is issued for a
// key we could lose) and a CSR; the recovery request; the backup kept in IndexedDB (earlier keys
// kept beside it, to read older messages) and offered as a file; then a link to log in. With
// "I forgot my password", a new password (checked as at registration, typed twice) replaces the
// current one in the request and encrypts the new key.
import * as v from 'valibot';
import { issuesToFields, type EnrollResponse } from '../../protocol/enroll.ts';
import { recoverRequestSchema } from '../../protocol/recovery.ts';
import { newKeyWithCsr, progressSteps, showIssuedFacts } from './issued.ts';
import { ApiError, api } from './api.ts';
import { $, downloadText, must, setBusy } from './dom.ts';
import { FormUi, inPageLanguage, bindRevealButtons, repeatError, type FieldErrors } from './fields.ts';
import { lowercaseLogin } from './login-case.ts';
import { getBackup, saveBackup } from './keystore.ts';
import { backupFileName, backupFileText } from './backup-file.ts';
import { t } from '../i18n.ts';

const KNOWN = ['login', 'password', 'code'];
const FORGOTTEN = ['login', 'newPassword', 'confirmPassword', 'code'];

export function initRecover(): void {
  const form = must<HTMLFormElement>('[data-form="recover"]');
  const ui = new FormUi(form, { markValid: false });
  lowercaseLogin(ui.input('login'));
  bindRevealButtons();
  const forgot = must<HTMLInputElement>('[data-forgot]', form);
  const newFields = must('[data-new-password]', form);
  const passwordField = must('[data-field="password"]', form);
  const fields = () => (forgot.checked ? FORGOTTEN : KNOWN);
  forgot.addEventListener('change', () => {
    newFields.hidden = !forgot.checked;
    passwordField.hidden = forgot.checked;
    ui.show({}, ['password', 'newPassword', 'confirmPassword']);
    ui.input(forgot.checked ? 'newPassword' : 'password').focus();
  });

  const validate = (): FieldErrors => {
    const passwords = forgot.checked ? { newPassword: ui.value('newPassword') } : { password: ui.value('password') };
    const parsed = v.safeParse(recoverRequestSchema, { login: ui.value('login'), ...passwords, code: ui.value('code'), csr: 'pending' });
    const errors: FieldErrors = parsed.success ? {} : inPageLanguage(issuesToFields(parsed.issues));
    if (forgot.checked) errors.confirmPassword = repeatError(ui.value('newPassword'), ui.value('confirmPassword'));
    // Only the fields on show: the others keep no error.
    return Object.fromEntries([...KNOWN, ...FORGOTTEN].map((f) => [f, fields().includes(f) ? errors[f] : undefined]));
  };
  ui.live([...new Set([...KNOWN, ...FORGOTTEN])], validate, { newPassword: ['confirmPassword'] });

  const submit = must<HTMLButtonElement>('[data-submit]', form);
  const formError = must('[data-form-error]', form);
  const progress = must('[data-progress]', form);
  const live = must('[data-progress-live]', form);
  const step = progressSteps(progress, live);
  const fail = (text: string) => {
    formError.textContent = text;
    formError.hidden = false;
    formError.focus();
  };

  let done: { login: string; backup: string; certificate: string; previous: string[] } | undefined;

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    formError.hidden = true;
    if (!ui.submitCheck(validate(), fields())) return;
    setBusy(submit, true);
    progress.hidden = false;
    const login = ui.value('login').trim().toLowerCase(); // logins are lower case (§2), as the login page assumes
    const forgotten = forgot.checked;
    // The password that encrypts the new key: the one the account will have afterwards.
    const password = ui.value(forgotten ? 'newPassword' : 'password');
    try {
      const { csr, backup } = await newKeyWithCsr(login, password, step);
      step('recover');
      const issued = await api<EnrollResponse>('POST', '/api/v1/certificate/recover', {
        login,
        ...(forgotten ? { newPassword: password } : { password }),
        code: ui.value('code'),
        csr,
      });
      const stored = await getBackup(issued.login).catch(() => undefined);
      const previous = stored ? [{ backup: stored.backup, serial: stored.serial }, ...(stored.previous ?? [])] : [];
      await saveBackup({ login: issued.login, backup, certificate: issued.certificate, serial: issued.serial, previous }).catch(() => {
        // No IndexedDB (private mode in some browsers): the file download is then the only copy.
      });
      done = { login: issued.login, backup, certificate: issued.certificate, previous: previous.map((p) => p.backup) };
      showDone(issued);
    } catch (err) {
      progress.hidden = true;
      live.textContent = '';
      if (err instanceof ApiError && err.code === 'validation') {
        const { csr, ...rest } = err.fields;
        ui.show(rest, Object.keys(rest));
        if (Object.keys(rest).length) ui.showSummary(rest);
        if (csr) fail(t('acct.csr-refused', { reason: csr }));
      } else if (err instanceof ApiError) {
        fail(
          err.code === 'invalid_credentials'
            ? forgotten
              ? t('acct.recover.wrong-forgotten')
              : t('acct.recover.wrong')
            : err.code === 'bad_csr'
              ? t('acct.csr-refused', { reason: err.message })
              : err.code === 'rate_limited'
                ? t('acct.recover.rate-limited')
                : err.message,
        );
      } else {
        fail(t('acct.key-failed'));
      }
    } finally {
      setBusy(submit, false);
    }
  });

  function showDone(issued: EnrollResponse): void {
    must('[data-step="form"]').hidden = true;
    const panel = must('[data-step="done"]');
    showIssuedFacts(panel, issued);
    must<HTMLAnchorElement>('[data-login-link]', panel).href = `/login?login=${encodeURIComponent(issued.login)}&notice=recovered`;
    panel.hidden = false;
    document.title = t('acct.doc-title', { title: t('acct.recover.recovered') });
    must('#recovered-title', panel).focus();
  }

  $('[data-action="download-backup"]')?.addEventListener('click', () => {
    if (!done) return;
    downloadText(backupFileName(done.login), backupFileText(done.login, done.backup, done.certificate, done.previous));
  });
}
