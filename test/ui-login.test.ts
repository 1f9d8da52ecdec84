// The login page in a real browser (Debian's Chromium driven by playwright-core) against the real
// server: a key backup file opens the account in a browser that had no key; a pirate certificate
// (self-signed, same subject) is refused as not issued by TEKUP_chat; a wrong password is refused in
// plain words; and the refused attempts since the last login are told at the next one, on every
// page until dismissed, and are in the security activity. axe-core checks every state;
// screenshots (desktop and phone) go to test-results/.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Ui, audit, logIn } from './helpers/ui.ts';
import { tempDir } from './helpers/server.ts';
import { openssl } from './helpers/openssl.ts';
import { write, type Person } from './helpers/person.ts';

describe('logging in through the web interface', { timeout: 240_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  /**
   * In a fresh browser, someone tries to log in as `victim` with a certificate they made
   * themselves (self-signed, the victim's subject) and the victim's password; answers the page,
   * showing the refusal.
   */
  async function pirateAttempt(victim: Person): Promise<Page> {
    const dir = tempDir('tekup-pirate-');
    const keyFile = join(dir, 'pirate.key');
    const certFile = join(dir, 'pirate.pem');
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', `/UID=${victim.login}/CN=${victim.firstName} ${victim.lastName}/O=TEKUP_chat`]);
    const page = await ui.page();
    await page.goto(`${ui.url}/login`);
    await page.getByLabel('Login').fill(victim.login);
    await page.getByLabel('Password', { exact: true }).fill(victim.password);
    await page.getByText(`No key for @${victim.login} is stored in this browser`).waitFor();
    await page.getByLabel('Key backup file').setInputFiles(keyFile);
    await page.getByLabel('Certificate').setInputFiles(certFile);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'This certificate was not issued by TEKUP_chat.' }).waitFor();
    return page;
  }

  it('the key backup file opens the account in another browser', async () => {
    const alice = await ui.person('alice', 'Alice', 'Martin');
    const bob = await ui.person('bob', 'Bob', 'Ben Salah');
    // Bob wrote to Alice from his first browser: the other browser must open what he sent.
    await write(ui.url, bob, alice, 'Hi Alice! Got it, signed and sealed.');

    const page = await ui.page();
    await page.goto(`${ui.url}/login`);
    await page.getByLabel('Login').fill(bob.login);
    await page.getByText(`No key for @${bob.login} is stored in this browser`).waitFor();
    await page.getByLabel('Password', { exact: true }).fill('not the password at all');
    await page.getByLabel('Key backup file').setInputFiles(bob.backupFile);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('[data-error-for="backup"]', { hasText: 'Your password does not open this backup file.' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(bob.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/chat$/);
    await page.goto(`${ui.url}/chat?with=${alice.login}`);
    await page.locator('.msg', { hasText: 'Hi Alice!' }).locator('.badge-ok').waitFor();
  });

  it('a pirate certificate (self-signed, same subject) is refused: not issued by TEKUP_chat', async () => {
    const alice = await ui.person('alice', 'Alice', 'Martin');
    const page = await pirateAttempt(alice);
    assert.equal(new URL(page.url()).pathname, '/login');
    await audit(page, 'login-pirate');
  });

  it('a wrong password is refused in plain words', async () => {
    const alice = await ui.person('alice', 'Alice', 'Martin');
    const chat = await ui.signedIn(alice);
    // Another tab of the browser that keeps her key.
    const page = await chat.context().newPage();
    await page.goto(`${ui.url}/login`);
    await page.getByLabel('Login').fill(alice.login);
    await page.getByText(`Your key for @${alice.login} is stored in this browser`).waitFor();
    await page.getByLabel('Password', { exact: true }).fill('certainly not it');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The login or the password is wrong.' }).waitFor();
    await audit(page, 'login');
  });

  it('attempts refused since the last login are told at the next one, on every page until dismissed, and are in the activity', async () => {
    const alice = await ui.person('alice', 'Alice', 'Martin');
    const page = await ui.signedIn(alice); // her last login, from this browser
    await pirateAttempt(alice);
    await logIn(page, ui.url, alice);
    // The pirate's attempt since Alice's last login is said on every page of this session.
    const notice = page.locator('[data-login-notice]');
    await notice.getByText(/^Since your last login \(.*Chrome on Linux, 127\.0\.0\.1\), 1 login attempt under your name was refused\.$/).waitFor();
    await page.goto(`${ui.url}/certificate`);
    await notice.waitFor();
    await page.locator('.cert-panel .chip', { hasText: 'Valid' }).waitFor();
    // The attempt is in the activity, under the login that followed it.
    const activity = page.locator('[data-activity-list] > li');
    const rows = await activity.evaluateAll((lis) => lis.slice(0, 2).map((li) => li.querySelector('.activity-text')?.textContent ?? ''));
    assert.deepEqual(rows, ['Logged in', 'Login refused: a certificate TEKUP_chat did not issue']);
    assert.match(await activity.first().innerText(), /Chrome on Linux · 127\.0\.0\.1 · just now/);
    await audit(page, 'certificate');
    // Dismissed, it stays gone for this session.
    await notice.getByRole('button', { name: 'Dismiss this notice' }).click();
    await notice.waitFor({ state: 'hidden' });
    await page.reload();
    await page.locator('.cert-panel .chip', { hasText: 'Valid' }).waitFor();
    assert.equal(await notice.isVisible(), false);
  });
});
