// The registration page: as-you-type checks with the server's own schema, then in the browser a
// fresh RSA key, its encrypted backup (before anything is sent, so no certificate is ever issued
// for a key we could lose) and a CSR; enrollment; the backup kept in IndexedDB and offered as a
// file; then one click logs in with the key still in memory.
import * as v from 'valibot';
import { ENROLL_FIELDS, enrollSchema, issuesToFields, type EnrollResponse } from '../../protocol/enroll.ts';
import type { KeyPair } from '../keys.ts';
import { newKeyWithCsr, progressSteps, showIssuedFacts } from './issued.ts';
import { ApiError, api } from './api.ts';
import { $, downloadText, must, setBusy } from './dom.ts';
import { FormUi, inPageLanguage, bindRevealButtons, repeatError, type FieldErrors } from './fields.ts';
import { lowercaseLogin } from './login-case.ts';
import { saveBackup } from './keystore.ts';
import { backupFileName, backupFileText } from './backup-file.ts';
import { signIn } from './signin.ts';
import { refusalFor } from './refusals.ts';
import { t } from '../i18n.ts';
import type { ClientKey } from '../messages/index.ts';

const FIELDS = ['firstName', 'lastName', 'cardNumber', 'email', 'login', 'password', 'password2'] as const;
/** What a conflict says of each taken field, worded here rather than by the server. */
const CONFLICT_TEXT: Record<string, ClientKey> = {
  login: 'acct.register.conflict.login',
  email: 'acct.register.conflict.email',
  cardNumber: 'acct.register.conflict.card-number',
};

export function initRegister(): void {
  const form = must<HTMLFormElement>('[data-form="register"]');
  const ui = new FormUi(form);
  lowercaseLogin(ui.input('login'));
  const schema = enrollSchema(new RegExp(document.body.dataset.cardPattern || '^[0-9]{8}$'));
  bindRevealButtons();

  // The form has no device name: the server names the first device from the User-Agent (§6), and
  // an empty one would be refused as a name.
  const enrollValues = (csr: string) => Object.fromEntries(ENROLL_FIELDS.map((f) => [f, f === 'csr' ? csr : f === 'deviceName' ? undefined : ui.value(f)]));

  const validate = (): FieldErrors => {
    const values = enrollValues('pending');
    const parsed = v.safeParse(schema, values);
    const errors: FieldErrors = parsed.success ? {} : inPageLanguage(issuesToFields(parsed.issues));
    if (!ui.value('password')) errors.password = t('acct.register.choose-password');
    const p2 = ui.value('password2');
    errors.password2 = repeatError(ui.value('password'), p2);
    for (const f of FIELDS) errors[f] ??= undefined;
    return errors;
  };
  ui.live([...FIELDS], validate, { password: ['password2'], login: ['password'] });

  const submit = must<HTMLButtonElement>('[data-submit]', form);
  const formError = must('[data-form-error]', form);
  const progress = must('[data-progress]', form);
  const live = must('[data-progress-live]', form);
  const step = progressSteps(progress, live);

  let done: { login: string; password: string; key: KeyPair; enrolled: EnrollResponse; backup: string } | undefined;

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    formError.hidden = true;
    if (!ui.submitCheck(validate(), [...FIELDS])) return;
    setBusy(submit, true);
    progress.hidden = false;
    const login = ui.value('login').trim().toLowerCase();
    const password = ui.value('password');
    try {
      const { key, csr, backup } = await newKeyWithCsr(login, password, step);
      step('enroll');
      const body = enrollValues(csr);
      const enrolled = await api<EnrollResponse>('POST', '/api/v1/enroll', body);
      await saveBackup({ login: enrolled.login, backup, certificate: enrolled.certificate, serial: enrolled.serial }).catch(() => {
        // No IndexedDB (private mode in some browsers): the file download is then the only copy.
      });
      done = { login: enrolled.login, password, key, enrolled, backup };
      showDone(done.enrolled, `${ui.value('firstName').trim()}`);
    } catch (err) {
      progress.hidden = true;
      live.textContent = '';
      if (err instanceof ApiError && (err.code === 'validation' || err.code === 'conflict')) {
        const fields: FieldErrors = { ...err.fields };
        // A conflict names every taken field at once (login, email and card number may all be).
        if (err.code === 'conflict') for (const f of Object.keys(fields)) fields[f] = CONFLICT_TEXT[f] ? t(CONFLICT_TEXT[f]) : fields[f];
        const { csr, ...rest } = fields;
        ui.show(rest, Object.keys(rest));
        if (csr) {
          formError.textContent = t('acct.csr-refused', { reason: csr });
          formError.hidden = false;
        }
        if (Object.keys(rest).length) ui.showSummary(rest);
      } else {
        formError.textContent =
          err instanceof ApiError
            ? err.code === 'rate_limited'
              ? t('acct.register.rate-limited')
              : err.message
            : t('acct.key-failed');
        formError.hidden = false;
        formError.focus();
      }
    } finally {
      setBusy(submit, false);
    }
  });

  function showDone(enrolled: EnrollResponse, firstName: string): void {
    must('[data-step="form"]').hidden = true;
    const panel = must('[data-step="done"]');
    must('[data-done-name]', panel).textContent = firstName;
    showIssuedFacts(panel, enrolled);
    panel.hidden = false;
    document.title = t('acct.doc-title', { title: t('acct.register.welcome') });
    must('#done-title', panel).focus();
  }

  $('[data-action="download-backup"]')?.addEventListener('click', () => {
    if (!done) return;
    downloadText(backupFileName(done.login), backupFileText(done.login, done.backup, done.enrolled.certificate));
  });

  const continueButton = must<HTMLButtonElement>('[data-action="continue"]');
  const continueError = must('[data-continue-error]');
  continueButton.addEventListener('click', async () => {
    if (!done) return;
    setBusy(continueButton, true);
    continueError.hidden = true;
    try {
      await signIn(done.login, done.password, done.key, done.enrolled.certificate);
      location.assign('/chat');
    } catch (err) {
      const r = err instanceof ApiError ? refusalFor(err) : { title: t('acct.refusal.default.title'), text: String(err) };
      continueError.textContent = `${r.title} ${r.text}`;
      continueError.hidden = false;
      setBusy(continueButton, false);
    }
  });
}
