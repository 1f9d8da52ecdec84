// The recovery page in a real browser (Debian's Chromium driven by playwright-core) against the
// real server: someone whose certificate the operator revoked (and whose key this browser never
// had) follows the login page's link, is told what is wrong as they type, is refused with a wrong
// code, then recovers with the operator's code, and logs in with the key the page made and stored.
// axe-core checks the page before and after; screenshots go to test-results/.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { auditDesktop } from './helpers/browser.ts';
import { Ui, downloadKeyBackup } from './helpers/ui.ts';
import { webUser } from './helpers/webuser.ts';
import { admin } from './helpers/admin.ts';

describe('recovering access through the web interface', { timeout: 120_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  it('from the login page to a new certificate, then a login with the new key', async () => {
    const server = ui.server;
    const user = await webUser(server.url, 'uirecover');
    await admin(['revoke', '--login', user.login, '--reason', 'keyCompromise', '--data', server.dataDir]);
    const page = await ui.page();
    await page.goto(`${server.url}/login`);
    await auditDesktop(page, 'login-recover-link');
    await page.getByRole('link', { name: 'recover access' }).click();
    await page.waitForURL(/\/recover$/);
    await page.getByRole('heading', { name: 'Recover access' }).waitFor();
    await auditDesktop(page, 'recover');

    // Errors next to their fields, described to screen readers.
    await page.getByRole('button', { name: 'Get a new certificate' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    assert.match(await summary.innerText(), /Enter the recovery code/);
    const code = page.getByLabel('Recovery code');
    await code.fill('ABCD-EFGH');
    await code.blur();
    await page.locator('[data-error-for="code"]', { hasText: '26 letters and digits' }).waitFor();
    assert.equal(await code.getAttribute('aria-invalid'), 'true');
    assert.match((await code.getAttribute('aria-describedby')) ?? '', /f-code-error/);
    await auditDesktop(page, 'recover-errors');

    // A code of the right shape that is not theirs: the one refusal, said once for the form.
    await page.getByLabel('Login').fill(user.login);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await code.fill('0000-0000-0000-0000-0000-0000-00');
    await page.getByRole('button', { name: 'Get a new certificate' }).click();
    await page.locator('[data-form-error]', { hasText: 'the recovery code is wrong' }).waitFor();

    const issued = JSON.parse(await admin(['recovery-code', '--login', user.login, '--data', server.dataDir, '--json']));
    await code.fill(issued.code.toLowerCase());
    await page.getByRole('button', { name: 'Get a new certificate' }).click();
    await page.getByRole('heading', { name: 'Access recovered' }).waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('[data-done-login]').innerText(), `@${user.login}`);
    const serial = await page.locator('[data-done-serial]').innerText();
    assert.match(serial, /^[0-9a-f]+$/);
    assert.notEqual(serial, user.serial);
    await auditDesktop(page, 'recover-done');
    const backup = readFileSync(await downloadKeyBackup(page), 'utf8');
    assert.match(backup, /-----BEGIN ENCRYPTED PRIVATE KEY-----[\s\S]+-----BEGIN CERTIFICATE-----/);

    await page.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(/\/login\?login=/);
    await page.getByText('Your new certificate is ready').waitFor();
    await page.getByText(`Your key for @${user.login} is stored in this browser`).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/chat$/);

    const certs = JSON.parse(await admin(['certs', '--login', user.login, '--data', server.dataDir, '--json'])) as Array<{ serial: string; status: string; revocationReason?: string }>;
    assert.deepEqual(
      certs.map((c) => [c.serial === serial ? 'new' : 'old', c.status, c.revocationReason ?? '-']),
      [
        ['old', 'revoked', 'keyCompromise'],
        ['new', 'valid', '-'],
      ],
    );
  });

  it('a forgotten password: a new one, typed twice, with a code issued for it; then it logs in', async () => {
    const server = ui.server;
    const other = await webUser(server.url, 'uiforgot');
    const page = await ui.page();
    await page.goto(`${server.url}/recover`);
    await page.getByLabel('Login').fill(other.login);
    await page.getByLabel(/I forgot my password/).check();
    assert.equal(await page.getByLabel('Password', { exact: true }).isVisible(), false, 'the current password is no longer asked for');
    const next = 'a fresh passphrase for a new start';
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('New password again').fill(`${next}?`);
    const plain = JSON.parse(await admin(['recovery-code', '--login', other.login, '--data', server.dataDir, '--json']));
    await page.getByLabel('Recovery code').fill(plain.code);
    await page.getByRole('button', { name: 'Get a new certificate' }).click();
    await page.locator('[data-error-for="confirmPassword"]', { hasText: 'The two passwords are not the same.' }).waitFor();
    await auditDesktop(page, 'recover-forgot-errors');

    // A code issued without --reset-password does not let anyone choose a password.
    await page.getByLabel('New password again').fill(next);
    await page.getByRole('button', { name: 'Get a new certificate' }).click();
    await page.locator('[data-form-error]', { hasText: 'not issued for choosing a new password' }).waitFor();

    const resetting = JSON.parse(await admin(['recovery-code', '--login', other.login, '--data', server.dataDir, '--json', '--reset-password']));
    assert.equal(resetting.resetsPassword, true);
    await page.getByLabel('Recovery code').fill(resetting.code);
    await page.getByRole('button', { name: 'Get a new certificate' }).click();
    await page.getByRole('heading', { name: 'Access recovered' }).waitFor({ timeout: 60_000 });

    await page.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(/\/login\?login=/);
    await page.getByText(`Your key for @${other.login} is stored in this browser`).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(next);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/chat$/);
  });
});
