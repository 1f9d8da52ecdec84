// The login page: find the key this browser keeps for the login typed (or take a backup file),
// open it with the password into non-extractable keys, sign the server's challenge, and say
// plainly why a refusal happened.
import { BackupError, encryptPrivateKey, importBackup } from '../backup.ts';
import { KeyImportError, importPrivateKey, type KeyPair } from '../keys.ts';
import { x509 } from '../x509.ts';
import { ApiError } from './api.ts';
import { $, $$, must, readFile, setBusy } from './dom.ts';
import { FormUi, bindRevealButtons, type FieldErrors } from './fields.ts';
import { lowercaseLogin } from './login-case.ts';
import { forgetUnlocked, getBackup, resealAll, saveBackup, type StoredBackup } from './keystore.ts';
import { readKeyFile } from './backup-file.ts';
import { refusalFor, type Refusal } from './refusals.ts';
import { signIn } from './signin.ts';
import { t } from '../i18n.ts';

type KeyState = 'pending' | 'stored' | 'missing';

export function initLogin(): void {
  // Arriving here means no session: whatever a previous one left unlocked is closed now.
  void forgetUnlocked().catch(() => {});
  const form = must<HTMLFormElement>('[data-form="login"]');
  const ui = new FormUi(form, { markValid: false });
  lowercaseLogin(ui.input('login'));
  bindRevealButtons();
  const keybox = must('[data-keybox]', form);
  const keyText = must('[data-key-text]', form);
  const importPanel = must('[data-key-import]', form);
  /** "Previous password": shown once the password typed does not open the key stored here. */
  const keyPasswordBox = must('[data-key-password]', form);
  const toggle = must<HTMLButtonElement>('[data-action="toggle-import"]', form);
  const refusal = must('[data-refusal]', form);
  const submit = must<HTMLButtonElement>('[data-submit]', form);
  const live = must('[data-progress-live]', form);

  let stored: StoredBackup | undefined;
  let lookup = 0;

  const setKeyState = (state: KeyState, text: string) => {
    keybox.dataset.keyState = state;
    for (const icon of $$('[data-key-icon]', keybox)) icon.hidden = icon.dataset.keyIcon !== state;
    keyText.textContent = text;
  };
  const setImport = (open: boolean) => {
    importPanel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = t(open ? 'acct.login.use-stored-key' : 'acct.login.use-backup-file');
    toggle.hidden = !stored && open;
  };

  async function findKey(): Promise<void> {
    const login = ui.value('login').trim().toLowerCase();
    const mine = ++lookup;
    if (!login) {
      stored = undefined;
      setKeyState('pending', t('acct.login.key-pending'));
      return;
    }
    const found = await getBackup(login).catch(() => undefined);
    if (mine !== lookup) return;
    if (found?.login !== stored?.login) keyPasswordBox.hidden = true; // another person: start over
    stored = found;
    if (found) {
      setKeyState('stored', t('acct.login.key-stored', { login }));
      setImport(false);
    } else {
      setKeyState('missing', t('acct.login.key-missing', { login }));
      setImport(true);
    }
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  ui.input('login').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void findKey(), 200);
  });
  toggle.addEventListener('click', () => {
    setImport(Boolean(importPanel.hidden));
    if (!importPanel.hidden) ui.input('backup').focus();
  });
  void findKey();

  const validate = (): FieldErrors => ({
    login: ui.value('login').trim() ? undefined : t('acct.login.enter-login'),
    password: ui.value('password') ? undefined : t('acct.enter-password'),
  });
  ui.live(['login', 'password'], validate);

  const showRefusal = (r: Refusal) => {
    must('[data-refusal-title]', refusal).textContent = r.title;
    must('[data-refusal-text]', refusal).textContent = r.text;
    refusal.hidden = false;
    refusal.focus();
  };

  /**
   * The key and certificate to log in with, opened with the password; or a field error. `unlock`
   * is the password that opened the key (stored here, or a backup file), when it is not the one
   * typed for the server because the password was changed since: `toStore` is then sealed again
   * with the new one after login.
   */
  type Opened =
    | { kind: 'key'; key: KeyPair; certificate: string; previous: Array<{ backup: string; serial?: string }>; toStore?: Omit<StoredBackup, 'savedAt'>; unlock?: string }
    | { kind: 'fields'; errors: FieldErrors }
    | { kind: 'refusal'; refusal: Refusal };
  const fields = (errors: FieldErrors): Opened => ({ kind: 'fields', errors });

  async function openKey(login: string, password: string): Promise<Opened> {
    // A file chosen counts even if the panel was closed again: the person clearly meant it.
    const useFile = !importPanel.hidden || Boolean(ui.input('backup').files?.length);
    const previousPassword = keyPasswordBox.hidden ? '' : ui.value('keyPassword');
    const unlock = previousPassword || password;
    const olderPassword = unlock !== password;
    if (!useFile) {
      if (!stored) return fields({ backup: t('acct.login.no-stored-key') });
      try {
        const key = await importBackup(stored.backup, unlock);
        return { kind: 'key', key, certificate: stored.certificate, previous: stored.previous ?? [], ...(olderPassword ? { unlock, toStore: stored } : {}) };
      } catch (err) {
        if (err instanceof BackupError && err.code === 'wrong_password') {
          if (previousPassword) return fields({ keyPassword: t('acct.login.previous-wrong-stored') });
          keyPasswordBox.hidden = false;
          return {
            kind: 'refusal',
            refusal: {
              title: t('acct.refusal.credentials.title'),
              text: t('acct.login.wrong-password-stored', { login }),
            },
          };
        }
        throw err;
      }
    }
    let text: string | undefined;
    let certText: string | undefined;
    try {
      text = await readFile(ui.input('backup'));
      certText = await readFile(ui.input('certificate'));
    } catch (err) {
      return fields({ backup: (err as Error).message });
    }
    if (!text) return fields({ backup: t('acct.login.choose-backup') });
    const file = readKeyFile(text);
    if (!file.encrypted && !file.plain) return fields({ backup: t('acct.login.no-private-key') });
    const certificate = (certText && readKeyFile(certText).certificate) ?? file.certificate;
    if (!certificate) return fields({ certificate: t('acct.login.no-certificate') });
    try {
      new x509.X509Certificate(certificate);
    } catch {
      return fields({ certificate: t('acct.login.bad-certificate') });
    }
    let key: KeyPair;
    let encrypted = file.encrypted;
    try {
      if (file.encrypted) key = await importBackup(file.encrypted, unlock);
      else {
        key = await importPrivateKey(file.plain!);
        // Kept in this browser only encrypted, like a key made here.
        encrypted = await encryptPrivateKey(file.plain!, password);
        file.plain!.fill(0);
      }
    } catch (err) {
      if (err instanceof BackupError && err.code === 'wrong_password') {
        if (previousPassword) return fields({ keyPassword: t('acct.login.previous-wrong-file') });
        keyPasswordBox.hidden = false;
        return fields({ backup: t('acct.login.wrong-password-file') });
      }
      if (err instanceof BackupError) return fields({ backup: err.message });
      if (err instanceof KeyImportError) return fields({ backup: err.message });
      throw err;
    }
    const serial = new x509.X509Certificate(certificate).serialNumber.toLowerCase();
    const previous = file.older.map((backup) => ({ backup }));
    return { kind: 'key', key, certificate, previous, toStore: { login, backup: encrypted!, certificate, serial, previous }, ...(file.encrypted && olderPassword ? { unlock } : {}) };
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    refusal.hidden = true;
    ui.show({ backup: undefined, certificate: undefined });
    if (!ui.submitCheck(validate(), ['login', 'password'])) return;
    setBusy(submit, true);
    const label = must('[data-submit-label]', submit);
    const login = ui.value('login').trim().toLowerCase();
    const password = ui.value('password');
    try {
      label.textContent = t('acct.login.opening');
      live.textContent = t('acct.login.opening');
      const opened = await openKey(login, password);
      if (opened.kind === 'refusal') return showRefusal(opened.refusal);
      if (opened.kind === 'fields') {
        // Only a problem with the files opens the file panel (not one with the previous password).
        if (importPanel.hidden && (opened.errors.backup || opened.errors.certificate)) setImport(true);
        ui.show(opened.errors);
        ui.showSummary(opened.errors);
        return;
      }
      label.textContent = t('acct.login.checking');
      live.textContent = t('acct.login.checking-live');
      // Earlier keys (before renewals) open with the same password; one that does not is skipped.
      const previousDecrypt: CryptoKey[] = [];
      const previousSerials: Array<string | undefined> = [];
      for (const p of opened.previous) {
        const k = await importBackup(p.backup, opened.unlock ?? password).catch(() => undefined);
        if (!k) continue;
        previousDecrypt.push(k.privateKeys.decrypt);
        previousSerials.push(p.serial);
      }
      await signIn(login, password, opened.key, opened.certificate, previousDecrypt, previousSerials);
      // Kept here; sealed with the password the server just took if the key opened with an older one.
      const { toStore, unlock } = opened;
      if (toStore) {
        // Logged in whatever happens here: keeping the key is a convenience for the next time.
        await (async () => saveBackup(unlock ? { ...toStore, ...(await resealAll(toStore, unlock, password)) } : toStore))().catch(() => {});
      }
      live.textContent = t('acct.logged-in');
      const next = document.body.dataset.next;
      location.assign(next && next.startsWith('/') && !next.startsWith('//') ? next : '/chat');
    } catch (err) {
      showRefusal(err instanceof ApiError ? refusalFor(err) : { title: t('acct.refusal.default.title'), text: err instanceof Error ? err.message : String(err) });
    } finally {
      label.textContent = t('acct.login.submit');
      setBusy(submit, false);
    }
  });

  // Prefilled login (e.g. after registering): go straight to the password.
  if (ui.value('login')) $<HTMLInputElement>('#f-password')?.focus();
}
