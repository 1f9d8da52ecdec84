// Unread counts across devices in a real browser (Debian's Chromium driven by playwright-core)
// against the real server: one person with two devices (two browser contexts) and people writing
// to them. A message shows its badge on both devices; reading it on one clears the badge on the
// other without a reload; a third, fresh browser logging in shows what is still unread and nothing
// that was read. axe-core checks the chat page with a badge; screenshots go to test-results/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { auditDesktop, launchChromium, watchedPage } from './helpers/browser.ts';
import { startServer, type Running } from './helpers/server.ts';
import { uniqueUser } from './helpers/users.ts';
import { envelopeFor, send, webUser, type WebUser } from './helpers/webuser.ts';
import { downloadKeyBackup, registerThroughPage } from './helpers/ui.ts';


describe('unread counts follow the person across devices', { timeout: 120_000 }, () => {
  let server: Running;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const reader = { ...uniqueUser('reader'), firstName: 'Rania', lastName: 'Trabelsi', backupFile: '' };
  let sam: WebUser;
  let nour: WebUser;

  async function device(): Promise<Page> {
    const page = await watchedPage(browser, problems);
    contexts.push(page.context());
    return page;
  }


  /** Registers through the page (the key is made in this browser) and keeps the key backup file. */
  async function register(page: Page): Promise<void> {
    await registerThroughPage(page, server.url, reader);
    reader.backupFile = await downloadKeyBackup(page);
    await page.getByRole('button', { name: 'Continue to TEKUP_chat' }).click();
    await page.waitForURL(/\/chat$/);
  }

  /** Another browser: the key comes from the backup file. */
  async function logInWithBackup(page: Page): Promise<void> {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Login').fill(reader.login);
    await page.getByText(`No key for @${reader.login} is stored in this browser`).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(reader.password);
    await page.getByLabel('Key backup file').setInputFiles(reader.backupFile);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/chat$/);
  }

  const badge = (page: Page, from: WebUser) => page.locator(`[data-unread-for="${from.login}"]`);

  async function message(from: WebUser, text: string): Promise<void> {
    const to = { login: reader.login, certificate: await (await fetch(`${server.url}/api/v1/users/${reader.login}/certificate`, { headers: { authorization: `Bearer ${from.token}` } })).text() };
    const r = await send(server.url, from, await envelopeFor(from, to as WebUser, text));
    assert.equal(r.status, 201, JSON.stringify(r.json));
  }

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    // The people who write exist before the reader's chat list is drawn.
    sam = await webUser(server.url, 'sam');
    nour = await webUser(server.url, 'nour');
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  it('reading on one device clears the badge on the other; a fresh browser shows only what is unread', async () => {
    const laptop = await device();
    await register(laptop);
    const phone = await device();
    await logInWithBackup(phone);
    await phone.evaluate(() => ((window as unknown as { stillThisPage: boolean }).stillThisPage = true));

    await message(sam, 'Are you coming tonight?');
    for (const page of [laptop, phone]) {
      await badge(page, sam).filter({ hasText: /^1$/ }).waitFor();
      await page.locator('[data-unread-total]', { hasText: /^1$/ }).waitFor();
    }
    await auditDesktop(phone, 'read-state-badge');

    // Read on the laptop: the phone's badge goes, without a reload.
    await laptop.locator(`#conv-${sam.login}`).click();
    await laptop.locator('.msg', { hasText: 'Are you coming tonight?' }).locator('.badge-ok').waitFor();
    await badge(laptop, sam).waitFor({ state: 'hidden' });
    await badge(phone, sam).waitFor({ state: 'hidden' });
    await phone.locator('[data-unread-total]').waitFor({ state: 'hidden' });
    assert.equal(await phone.evaluate(() => (window as unknown as { stillThisPage?: boolean }).stillThisPage), true, 'the phone did not reload');

    // A message into the conversation open on the laptop is read there as it arrives: the phone
    // counts it, then clears it when the laptop's mark arrives (checked below by a fresh browser too).
    await message(sam, 'Eight o\'clock at the usual place.');
    await laptop.locator('.msg', { hasText: 'Eight o\'clock' }).locator('.badge-ok').waitFor();
    assert.equal(await badge(laptop, sam).isHidden(), true, 'not unread where it is on screen');
    await badge(phone, sam).waitFor({ state: 'hidden' });

    // Someone else writes: unread on both (the laptop shows another conversation).
    await message(nour, 'Did you get my file?');
    for (const page of [laptop, phone]) await badge(page, nour).filter({ hasText: /^1$/ }).waitFor();

    // A third browser that never saw any of this: the counts come from the server.
    const fresh = await device();
    await logInWithBackup(fresh);
    await badge(fresh, nour).filter({ hasText: /^1$/ }).waitFor();
    await fresh.locator('[data-unread-total]', { hasText: /^1$/ }).waitFor();
    assert.equal(await badge(fresh, sam).isHidden(), true, "what was read on the laptop is not unread here");
    assert.match(await fresh.title(), /^\(1\) /);
    await auditDesktop(fresh, 'read-state-fresh');
    assert.deepEqual(problems, []);
  });
});
