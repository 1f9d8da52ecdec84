// The register page in a real browser (Debian's Chromium driven by playwright-core) against the
// real server: its rules shown as hints and its errors next to each field, a registration that
// downloads the key backup and lands in the chat, and a login already taken. axe-core checks every
// state; screenshots (desktop and phone) go to test-results/ for a human to look at.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ui, audit, downloadKeyBackup, registerThroughPage, submitRegistration } from './helpers/ui.ts';
import { uniqueUser } from './helpers/users.ts';

describe('registering through the web interface', { timeout: 240_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  it('registration: rules as hints, errors next to each field as you type and on submit', async () => {
    const page = await ui.page();
    await page.goto(`${ui.url}/register`);
    await audit(page, 'register');
    const card = page.getByLabel('Identity card number');
    await card.fill('1234');
    await card.blur();
    await page.getByText('The card number is exactly 8 digits.').waitFor();
    assert.equal(await card.getAttribute('aria-invalid'), 'true');
    assert.match((await card.getAttribute('aria-describedby')) ?? '', /f-cardNumber-error/);
    await card.fill(uniqueUser('alice').cardNumber); // corrected as you type
    await page.getByText('The card number is exactly 8 digits.').waitFor({ state: 'detached' });
    assert.equal(await card.getAttribute('aria-invalid'), null);

    await page.getByRole('button', { name: 'Create my account' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    assert.match(await summary.innerText(), /Enter your first name/);
    assert.match(await summary.innerText(), /Choose a password/);
    await page.getByLabel('Password', { exact: true }).fill('password1234');
    await page.getByLabel('Password', { exact: true }).blur();
    await page.locator('[data-error-for="password"]', { hasText: 'This password is too common' }).waitFor();
    await audit(page, 'register-errors');
  });

  it('registers through the page: the key backup downloads, and Continue lands in the chat', async () => {
    const alice = { ...uniqueUser('alice'), firstName: 'Alice', lastName: 'Martin' };
    const page = await ui.page();
    await registerThroughPage(page, ui.url, alice);
    const backupFile = await downloadKeyBackup(page);
    await audit(page, 'register-done');
    assert.match(readFileSync(backupFile, 'utf8'), /-----BEGIN ENCRYPTED PRIVATE KEY-----[\s\S]+-----BEGIN CERTIFICATE-----/);
    await page.getByRole('button', { name: 'Continue to TEKUP_chat' }).click();
    await page.waitForURL(/\/chat$/);
  });

  it('a login already taken is refused next to the login field', async () => {
    const bob = await ui.person('bob', 'Bob', 'Ben Salah');
    const page = await ui.page();
    await submitRegistration(page, ui.url, {
      firstName: 'Carol',
      lastName: 'Dupont',
      cardNumber: uniqueUser('carol').cardNumber,
      email: 'carol@example.org',
      login: bob.login,
      password: 'carol has a long passphrase',
    });
    await page.locator('[data-error-for="login"]', { hasText: 'This login is already taken' }).waitFor();
  });
});
