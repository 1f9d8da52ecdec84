// The browser script's account words (src/client/messages/account.ts) in English and French: without
// a document (Node) the script speaks English, the words it always had, word for word; with
// <html lang="fr"> it speaks French, the crypto modules' own errors included; every French entry
// says something, keeps its English one's {placeholders} and plural forms, and is written as French
// typography wants. Then, in Chromium, the login page with the cookie lang=fr shows the script's
// French (the lowercase note, the key lookup, the field errors and their summary), and the
// registration page its schema's checks in French.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import account from '../src/client/messages/account.ts';
import { t } from '../src/client/i18n.ts';
import { ApiError } from '../src/client/ui/api.ts';
import { refusalFor } from '../src/client/ui/refusals.ts';
import { inPageLanguage, repeatError } from '../src/client/ui/fields.ts';
import { backupFileName, backupFileText } from '../src/client/ui/backup-file.ts';
import { decryptPrivateKey, BackupError } from '../src/client/backup.ts';
import type { Message } from '../src/shared/i18n/translate.ts';
import { Ui } from './helpers/ui.ts';

const forms = (m: Message): string[] => (typeof m === 'string' ? [m] : Object.values(m).filter((f): f is string => typeof f === 'string'));
const placeholders = (m: Message) => [...new Set(forms(m).flatMap((f) => [...f.matchAll(/\{(\w+)\}/g)].map((x) => x[1])))].sort();

/** Runs `body` as if in a page whose <html lang> is `lang`. */
async function inPage<T>(lang: string, body: () => T | Promise<T>): Promise<T> {
  const g = globalThis as { document?: unknown };
  g.document = { documentElement: { lang } };
  try {
    return await body();
  } finally {
    delete g.document;
  }
}

const NOT_A_BACKUP = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n';

describe('the account catalogue of the browser script', () => {
  it('speaks English without a document, the words the script always had', async () => {
    assert.deepEqual(refusalFor(new ApiError(401, { error: 'invalid_credentials' })), {
      title: 'The login or the password is wrong.',
      text: 'Check both and try again; the password is case-sensitive.',
    });
    assert.equal(refusalFor(new ApiError(0, { error: 'network' })).title, 'TEKUP_chat cannot be reached.');
    assert.equal(refusalFor(new ApiError(403, { error: 'certificate_rejected', reason: 'untrusted_issuer' })).title, 'This certificate was not issued by TEKUP_chat.');
    assert.equal(repeatError('a', ''), 'Repeat your password.');
    assert.equal(repeatError('a', 'b'), 'The two passwords are not the same.');
    assert.deepEqual(inPageLanguage({ firstName: 'Enter your first name.' }), { firstName: 'Enter your first name.' });
    assert.equal(t('acct.summary.count', { count: 1 }), 'One field needs your attention:');
    assert.equal(t('acct.summary.count', { count: 3 }), '3 fields need your attention:');
    assert.equal(t('acct.password.others-ended', { count: 1 }), 'Your other session was logged out.');
    assert.equal(t('acct.password.others-ended', { count: 2 }), 'Your 2 other sessions were logged out.');
    assert.equal(new ApiError(502, {}).message, 'The server answered 502.');
    assert.equal(backupFileName('zied'), 'zied-tekup-chat-key.pem');
    const file = backupFileText('zied', 'KEY', 'CERT', ['OLD']).split('\n');
    assert.deepEqual(file.slice(0, 3), [
      'TEKUP_chat key backup for zied',
      'The private key below is encrypted with your password (PKCS#8, PBES2: PBKDF2-HMAC-SHA256 600000 iterations, AES-256-CBC).',
      'The certificate after it is public. Keep this file somewhere safe: it lets you log in from another browser.',
    ]);
    assert.ok(file.includes('Earlier keys, replaced by renewals (1), encrypted the same way: they open messages from before each renewal.'));
    await assert.rejects(decryptPrivateKey(NOT_A_BACKUP, 'x'), (e: unknown) => e instanceof BackupError && e.message === 'This is not an encrypted private key: expect one "-----BEGIN ENCRYPTED PRIVATE KEY-----" block.');
  });

  it('speaks French in a page whose <html lang> is fr', async () => {
    await inPage('fr', async () => {
      assert.equal(refusalFor(new ApiError(401, { error: 'invalid_credentials' })).title, 'L’identifiant ou le mot de passe est incorrect.');
      assert.equal(repeatError('a', 'b'), 'Les deux mots de passe ne sont pas identiques.');
      // A schema's English, checked as it is typed, is said as the server's French answer says it.
      assert.deepEqual(inPageLanguage({ firstName: 'Enter your first name.', other: 'Not a catalogue text' }), { firstName: 'Saisissez votre prénom.', other: 'Not a catalogue text' });
      assert.equal(t('acct.summary.count', { count: 1 }), 'Un champ demande votre attention\u00a0:');
      assert.equal(t('acct.password.others-ended', { count: 3 }), 'Vos 3 autres sessions ont été déconnectées.');
      assert.equal(backupFileName('zied'), 'zied-tekup-chat-cle.pem');
      const file = backupFileText('zied', 'KEY', 'CERT', ['OLD']);
      assert.match(file, /^Sauvegarde de clé TEKUP_chat de zied\n/);
      assert.match(file, /\nKEY\nCERT\n\nClé précédente, remplacée lors d’un renouvellement \(1\)/);
      await assert.rejects(decryptPrivateKey(NOT_A_BACKUP, 'x'), (e: unknown) => e instanceof BackupError && e.message.startsWith('Ce n’est pas une clé privée chiffrée'));
    });
    // And English again once the page is gone: the language is read at each call.
    assert.equal(t('acct.login.submit'), 'Log in');
  });

  it('has every French entry non-empty, with the English one’s placeholders and plural forms', () => {
    const fr: Record<string, Message> = account.fr;
    assert.deepEqual(Object.keys(fr).sort(), Object.keys(account.en).sort());
    for (const [key, english] of Object.entries(account.en) as [string, Message][]) {
      assert.match(key, /^acct\.[a-z0-9.-]+$/, key);
      const french = fr[key];
      for (const form of forms(french)) assert.ok(form.trim(), `${key}: empty`);
      assert.deepEqual(placeholders(french), placeholders(english), `${key}: placeholders`);
      assert.equal(typeof french, typeof english, `${key}: a plural in one language is a plural in both`);
      if (typeof french !== 'string') assert.ok(french.one && french.other, `${key}: French needs "one" (0 and 1) and "other"`);
    }
  });

  it('writes French as French typography wants', () => {
    for (const [key, message] of Object.entries(account.fr) as [string, Message][]) {
      for (const form of forms(message)) {
        assert.doesNotMatch(form, /'/, `${key}: the apostrophe is ’`);
        assert.doesNotMatch(form, /["“”]/, `${key}: quotes are « »`);
        assert.doesNotMatch(form, / [:;?!»]|« /, `${key}: a no-break space, not a space, before : ; ? ! » and after «`);
        assert.doesNotMatch(form, /[^\u00a0\u202f][:;?!](\s|$)/, `${key}: a no-break space before : ; ? !`);
      }
    }
  });
});

describe('the login page in French', { timeout: 300_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((c) => ui.begin(c.name));
  afterEach(() => ui.end());

  it('shows the script’s words in French with the cookie lang=fr', async () => {
    const page = await ui.page();
    await page.context().addCookies([{ name: 'lang', value: 'fr', url: ui.url }]);
    await page.goto(`${ui.url}/login`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');

    // Written by the script as the login is typed: the lowercase note and where the key is.
    await page.locator('input[name="login"]').fill('Personne');
    await page.locator('[data-login-case]', { hasText: 'Les identifiants s’écrivent en minuscules\u00a0: personne' }).waitFor();
    await page.locator('[data-key-text]', { hasText: 'Aucune clé pour @personne n’est enregistrée dans ce navigateur.' }).waitFor();

    // No password: the field's error and the summary, in the script's French.
    await page.locator('[data-submit]').click();
    await page.locator('[data-error-for="password"]', { hasText: 'Saisissez votre mot de passe.' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'Il y a un problème' }).waitFor();
    assert.equal((await page.locator('[data-error-summary-text]').textContent())?.trim(), 'Un champ demande votre attention\u00a0:');

    // Registration checks its fields with the server's schema before sending: in French too.
    await page.goto(`${ui.url}/register`);
    await page.locator('[data-submit]').click();
    await page.locator('[data-error-for="firstName"]', { hasText: 'Saisissez votre prénom.' }).waitFor();
    await page.locator('[data-error-for="password"]', { hasText: 'Choisissez un mot de passe.' }).waitFor();
  });
});
