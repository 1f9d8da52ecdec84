// Every popup and dialog, opened with the keyboard, closes on Escape and gives focus back to the
// control that opened it (src/client/ui/popups.ts): the certificate popup of a conversation, and the
// password, renewal and revocation dialogs of My certificate.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './helpers/browser.ts';
import { startServer, type Running } from './helpers/server.ts';
import { enrollUser, loginAs, type Enrolled } from './helpers/login.ts';

describe('popups and dialogs close on Escape, focus back on their opener', { timeout: 120_000 }, () => {
  let server: Running;
  let browser: Browser;
  let page: Page;
  let peer: Enrolled;

  before(async () => {
    server = await startServer();
    const me = await enrollUser(server.url, 'popme');
    peer = await enrollUser(server.url, 'poppeer');
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
    await context.addCookies([{ name: 'tekup_session', value: await loginAs(server.url, me), url: server.url }]);
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const focused = () => page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80) ?? '');

  /** Tab from the top of the page until `target` has focus: the way a keyboard gets there. */
  async function tabTo(selector: string): Promise<void> {
    await page.locator('body').focus();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    }
    assert.fail(`${selector} is never reached with Tab`);
  }

  it('the certificate popup of a conversation', async () => {
    await page.goto(`${server.url}/chat?with=${peer.login}`);
    const pop = page.locator('details.cert-pop');
    await tabTo('details.cert-pop > summary');
    await page.keyboard.press('Enter');
    await pop.locator('.cert-pop-body').waitFor();
    assert.equal(await pop.getAttribute('open'), '');
    await page.keyboard.press('Escape');
    await pop.locator('.cert-pop-body').waitFor({ state: 'hidden' });
    assert.equal(await pop.getAttribute('open'), null);
    assert.equal(await page.evaluate(() => document.activeElement?.matches('details.cert-pop > summary')), true, `focus is on ${await focused()}`);

    // And a click elsewhere on the page closes it, like any popup.
    await page.keyboard.press('Enter');
    await pop.locator('.cert-pop-body').waitFor();
    await page.locator('.conv-head-main').click();
    await pop.locator('.cert-pop-body').waitFor({ state: 'hidden' });
  });

  it('the dialogs of My certificate', async () => {
    await page.goto(`${server.url}/certificate`);
    for (const [action, name] of [
      ['open-password', 'Change your password'],
      ['open-renew', 'Renew your certificate'],
      ['open-revoke', 'Revoke your certificate?'],
    ]) {
      const opener = `[data-action="${action}"]`;
      await tabTo(opener);
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name });
      await dialog.waitFor();
      assert.equal(await dialog.evaluate((d) => d.contains(document.activeElement)), true, `focus moves into "${name}"`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await page.waitForFunction((s) => document.activeElement?.matches(s), opener);
      // Cancel gives focus back the same way.
      await page.keyboard.press('Enter');
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.waitForFunction((s) => document.activeElement?.matches(s), opener);
    }
  });
});
