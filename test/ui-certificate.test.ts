// My certificate in a real browser (Debian's Chromium driven by playwright-core) against the real
// server: the certificate's status, serial and download; where one is logged in, and logging
// another session out from here; read receipts turned off and on; and a certificate close to
// expiry, announced on every page, then revoked for good. axe-core checks the pages; screenshots
// (desktop and phone) go to test-results/.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { PHONE, Ui, audit } from './helpers/ui.ts';
import { startServer } from './helpers/server.ts';

describe('My certificate in the web interface', { timeout: 240_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  it('my certificate: status, serial, and the certificate file', async () => {
    const alice = await ui.person('alice', 'Alice', 'Martin');
    const page = await ui.signedIn(alice);
    await page.goto(`${ui.url}/certificate`);
    await page.locator('.cert-panel .chip', { hasText: 'Valid' }).waitFor();
    const serial = await page.locator('[data-cert-serial]').getAttribute('data-cert-serial');
    assert.match(serial ?? '', /^[0-9a-f]+$/);
    const [pem] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /My certificate PEM/ }).click()]);
    assert.match(readFileSync((await pem.path())!, 'utf8'), /BEGIN CERTIFICATE/);
  });

  it('where you are logged in: the phone is listed beside this browser, and logging it out from here ends it', async () => {
    const bob = await ui.person('bob', 'Bob', 'Ben Salah');
    const page = await ui.signedIn(bob);
    await ui.signedIn(bob, { viewport: PHONE, isMobile: true, hasTouch: true });
    await page.goto(`${ui.url}/certificate`);
    const rows = page.locator('[data-sessions] > li');
    assert.ok((await rows.count()) >= 2, 'this browser and the phone');
    const here = rows.filter({ hasText: 'This browser' });
    assert.equal(await here.count(), 1);
    assert.match(await here.innerText(), /Chrome on Linux/);
    await audit(page, 'certificate-sessions');
    const before = await rows.count();
    const [first] = await page.getByRole('button', { name: /^Log out .+, logged in / }).all();
    await first.click();
    await page.getByText('That session is logged out.').waitFor();
    assert.equal(await rows.count(), before - 1);
    await page.reload();
    assert.equal(await page.locator('[data-sessions] > li').count(), before - 1, 'gone for the server too');
  });

  it('read receipts are turned off and on again from My certificate, and the choice is kept', async () => {
    const alice = await ui.person('alice', 'Alice', 'Martin');
    const page = await ui.signedIn(alice);
    await page.goto(`${ui.url}/certificate`);
    const box = page.getByRole('checkbox', { name: /Read receipts/ });
    assert.equal(await box.isChecked(), true);
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/account/read-receipts') && r.request().method() === 'PUT');
    await box.uncheck();
    assert.equal((await saved).status(), 200);
    await page.reload();
    assert.equal(await page.getByRole('checkbox', { name: /Read receipts/ }).isChecked(), false);
    const again = page.waitForResponse((r) => r.url().endsWith('/api/v1/account/read-receipts') && r.request().method() === 'PUT');
    await page.getByRole('checkbox', { name: /Read receipts/ }).check();
    assert.equal((await again).status(), 200);
    await page.reload();
    assert.equal(await page.getByRole('checkbox', { name: /Read receipts/ }).isChecked(), true);
  });

  it('a certificate close to expiry is announced on every page; revoking ends it for good', async () => {
    const shortLived = await startServer({ args: ['--cert-days', '10'] });
    let page: Page | undefined;
    try {
      const carol = await ui.person('carol', 'Carol', 'Dupont', shortLived.url);
      page = await ui.signedIn(carol, { url: shortLived.url });
      const banner = page.getByRole('status').filter({ hasText: /Your certificate expires in 9 days/ });
      await banner.waitFor();
      await banner.getByRole('link', { name: 'Review certificate' }).click();
      await page.locator('.cert-panel .chip', { hasText: 'Expires in 9 days' }).waitFor();
      await audit(page, 'certificate-expiring');

      // Revocation: confirmed in a dialog, the session ends, and the certificate never logs in again.
      await page.getByRole('button', { name: 'Revoke certificate' }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke your certificate?' });
      await dialog.getByLabel('Reason').selectOption('cessationOfOperation');
      await dialog.getByRole('button', { name: 'Revoke certificate' }).click();
      await page.waitForURL(/\/login\?notice=revoked$/);
      await page.getByText('Your certificate has been revoked.').waitFor();
      await page.getByLabel('Login').fill(carol.login);
      await page.getByText(`No key for @${carol.login} is stored in this browser`).waitFor();
      await page.getByLabel('Password', { exact: true }).fill(carol.password);
      await page.getByLabel('Key backup file').setInputFiles(carol.backupFile);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('alert').filter({ hasText: 'This certificate has been revoked.' }).waitFor();
      // Said in the page's words: a date, and the reason chosen in the dialog.
      await page.getByRole('alert').filter({ hasText: /It was revoked on (\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2}, \d{4}) \(no longer used\)\./ }).waitFor();
      await audit(page, 'login-revoked');
    } finally {
      await page?.context().close(); // before its server goes
      await shortLived.stop();
    }
  });
});
