// The recovery page in a real browser (Debian's Chromium driven by playwright-core) against the
// real server: someone whose certificate the operator revoked (and whose key this browser never
// had) follows the login page's link, is told what is wrong as they type, is refused with a wrong
// code, then recovers with the operator's code, and logs in with the key the page made and stored.
// axe-core checks the page before and after; screenshots go to test-results/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, startServer, type Running } from './helpers/server.ts';
import { webUser, type WebUser } from './helpers/webuser.ts';
import { admin } from './helpers/admin.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = join(ROOT, 'test-results');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe('recovering access through the web interface', { timeout: 120_000 }, () => {
  let server: Running;
  let browser: Browser;
  let page: Page;
  let user: WebUser;
  const problems: string[] = [];

  /** axe-core: no serious or critical violation; then a screenshot. */
  async function audit(name: string): Promise<void> {
    await page.waitForTimeout(350); // entrance animations end first
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
      const r = await axe.run();
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    });
    assert.deepEqual(violations, [], `accessibility of ${name}`);
    await page.screenshot({ path: join(SHOTS, `ui-${name}-desktop.png`), fullPage: true, caret: 'initial' });
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // Refusals the page expects (401) are logged by the browser as failed loads; not faults.
      if (m.type() === 'error' && !/server responded with a status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    user = await webUser(server.url, 'uirecover');
    await admin(['revoke', '--login', user.login, '--reason', 'keyCompromise', '--data', server.dataDir]);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('from the login page to a new certificate, then a login with the new key', async () => {
    await page.goto(`${server.url}/login`);
    await audit('login-recover-link');
    await page.getByRole('link', { name: 'recover access' }).click();
    await page.waitForURL(/\/recover$/);
    await page.getByRole('heading', { name: 'Recover access' }).waitFor();
    await audit('recover');

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
    await audit('recover-errors');

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
    await audit('recover-done');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download key backup' }).click()]);
    const backup = readFileSync((await download.path())!, 'utf8');
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
    assert.deepEqual(problems, []);
  });
});
