// Changing the password in a real browser (Debian's Chromium driven by playwright-core) against
// the real server: the dialog's errors next to its fields, the other sessions ended, the key kept in
// this browser opening with the new password only; another browser that keeps the key under the
// old password, and a backup file saved before the change, both open with the previous password
// once and with the new one after. axe-core checks every state; screenshots (desktop and phone) go
// to test-results/.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Ui, audit, logIn } from './helpers/ui.ts';
import { apiSession } from './helpers/person.ts';

describe('changing the password in the web interface', { timeout: 240_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  it('changing the password: errors next to the fields, then the key in this browser opens with the new one only', async () => {
    const alice = await ui.person('alice', 'Alice', 'Martin');
    const page = await ui.signedIn(alice);
    // A session from an earlier login elsewhere, still open.
    await apiSession(ui.url, alice);
    // A second browser of Alice's, which keeps her key under the password she has now.
    await page.goto(`${ui.url}/certificate`);
    const [backup] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Key backup/ }).first().click()]);
    const backupFile = join(ui.downloads(), `alice-second-${Date.now()}.pem`);
    await backup.saveAs(backupFile);
    const second = await ui.page();
    await second.goto(`${ui.url}/login`);
    await second.getByLabel('Login').fill(alice.login);
    await second.getByText(`No key for @${alice.login} is stored in this browser`).waitFor();
    await second.getByLabel('Password', { exact: true }).fill(alice.password);
    await second.getByLabel('Key backup file').setInputFiles(backupFile);
    await second.getByRole('button', { name: 'Log in' }).click();
    await second.waitForURL(/\/chat$/);
    await second.getByRole('button', { name: 'Log out' }).click();
    await second.waitForURL(/\/login/);

    await page.goto(`${ui.url}/certificate`);
    assert.ok((await page.locator('[data-sessions] > li').count()) >= 2, 'sessions from earlier logins are still open');
    await page.getByRole('button', { name: 'Change password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change your password' });
    await dialog.waitFor();
    const old = alice.password;
    const next = `${old} and then some`;
    await dialog.getByLabel('Current password', { exact: true }).fill('not my password at all');
    await dialog.getByLabel('New password', { exact: true }).fill(next);
    await dialog.getByLabel('New password again').fill(`${next}!`);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText('The two passwords are not the same.').waitFor();
    await audit(page, 'certificate-password-dialog');
    await dialog.getByLabel('New password again').fill(next);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText('This is not your password: it does not open the key kept in this browser.').waitFor();
    assert.equal(await dialog.getByLabel('Current password', { exact: true }).getAttribute('aria-invalid'), 'true');
    await dialog.getByLabel('Current password', { exact: true }).fill(old);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password was changed.').waitFor();
    assert.equal(await dialog.isVisible(), false);
    assert.equal(await page.locator('[data-sessions] > li').count(), 1, 'the other sessions are gone from the list');

    // The old password opens nothing any more, here or at the server; the new one does both.
    const now = { login: alice.login, password: next };
    await page.goto(`${ui.url}/login`);
    await page.getByLabel('Login').fill(alice.login);
    await page.getByText(`Your key for @${alice.login} is stored in this browser`).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(old);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('[data-refusal]:not([hidden]), .field-error:not(:empty)').first().waitFor();
    assert.match(page.url(), /\/login/);
    await logIn(page, ui.url, now);

    // The second browser still keeps her key under the old password: the new one is refused
    // there with a way out, the previous password opens the key, and from then on the new one does.
    await second.goto(`${ui.url}/login`);
    await second.getByLabel('Login').fill(alice.login);
    await second.getByText(`Your key for @${alice.login} is stored in this browser`).waitFor();
    await second.getByLabel('Password', { exact: true }).fill(next);
    await second.getByRole('button', { name: 'Log in' }).click();
    await second.getByText('If you changed your password on another device').waitFor();
    await audit(second, 'login-previous-password');
    await second.getByLabel('Previous password').fill('not that one either');
    await second.getByRole('button', { name: 'Log in' }).click();
    await second.locator('[data-error-for="keyPassword"]', { hasText: 'does not open the key kept in this browser either' }).waitFor();
    await second.getByLabel('Previous password').fill(old);
    await second.getByRole('button', { name: 'Log in' }).click();
    await second.waitForURL(/\/chat$/);
    await second.getByRole('button', { name: 'Log out' }).click();
    await second.waitForURL(/\/login/);
    await logIn(second, ui.url, now);

    // A backup file saved before the change opens the same way, in a browser that had nothing.
    const third = await ui.page();
    await third.goto(`${ui.url}/login`);
    await third.getByLabel('Login').fill(alice.login);
    await third.getByText(`No key for @${alice.login} is stored in this browser`).waitFor();
    await third.getByLabel('Password', { exact: true }).fill(next);
    await third.getByLabel('Key backup file').setInputFiles(backupFile);
    await third.getByRole('button', { name: 'Log in' }).click();
    await third.locator('[data-error-for="backup"]', { hasText: 'If you saved it before changing your password' }).waitFor();
    await third.getByLabel('Previous password').fill(old);
    await third.getByRole('button', { name: 'Log in' }).click();
    await third.waitForURL(/\/chat$/);
    await third.getByRole('button', { name: 'Log out' }).click();
    await third.waitForURL(/\/login/);
    await logIn(third, ui.url, now);
  });
});
