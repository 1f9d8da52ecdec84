// Smaller things a new user met in the browser (issue 17): the error summary lists problems in the
// order of the form's fields; the registration page says true things about the password; the
// composer's "Enter to send" is for keyboards (on a touch screen Enter is a new line and the hint
// is not shown); the key backup button does not touch the warning above it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, launchChromium } from './helpers/browser.ts';
import { startServer, type Running } from './helpers/server.ts';
import { enrollUser, type Enrolled } from './helpers/login.ts';
import { uniqueUser } from './helpers/users.ts';
import { registerThroughPage } from './helpers/ui.ts';

describe('forms, copy and touch screens', { timeout: 120_000 }, () => {
  let server: Running;
  let browser: Browser;
  let peer: Enrolled;

  before(async () => {
    server = await startServer();
    peer = await enrollUser(server.url, 'formpeer');
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function desktopPage(): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 820 } })).newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  /** The summary's links, as the ids of the fields they lead to, and the form's fields in page order. */
  async function summaryAndFields(page: Page): Promise<{ summary: string[]; fields: string[] }> {
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    return page.evaluate(() => {
      const links = [...document.querySelectorAll<HTMLAnchorElement>('[data-error-summary-list] a')].map((a) => a.hash.slice(1));
      const fields = [...document.querySelectorAll<HTMLElement>('form input, form select, form textarea')].map((e) => e.id).filter((id) => links.includes(id));
      return { summary: links, fields };
    });
  }

  it('registration: the error summary follows the order of the fields', async () => {
    const page = await desktopPage();
    await page.goto(`${server.url}/register`);
    // Wrong in several places, in an order unlike the form's: the last field first.
    await page.getByLabel('Repeat the password').fill('something else entirely');
    await page.getByLabel('Email address').fill('not an email');
    await page.getByLabel('Identity card number').fill('12');
    await page.getByLabel('Last name').fill('Haddad');
    await page.getByRole('button', { name: 'Create my account' }).click();
    const { summary, fields } = await summaryAndFields(page);
    assert.ok(summary.length >= 5, `several problems listed: ${summary.join(', ')}`);
    assert.deepEqual(summary, fields);
    assert.equal(summary[0], 'f-firstName');
    // Corrected as you type, the rest stays in order.
    await page.getByLabel('First name').fill('Rania');
    await page.getByLabel('First name').blur();
    await page.locator('[data-error-summary-list] a[href="#f-firstName"]').waitFor({ state: 'detached' });
    assert.deepEqual(await summaryAndFields(page), { summary: fields.slice(1), fields: fields.slice(1) });
    await page.context().close();
  });

  it('recovery: the error summary follows the order of the fields', async () => {
    const page = await desktopPage();
    await page.goto(`${server.url}/recover`);
    await page.getByRole('checkbox', { name: /I forgot my password/ }).check();
    await page.getByLabel('New password again').fill('does not match anything');
    // Sent with Enter from the last field typed in, as a keyboard does.
    await page.getByLabel('New password again').press('Enter');
    const { summary, fields } = await summaryAndFields(page);
    assert.ok(summary.length >= 3, `several problems listed: ${summary.join(', ')}`);
    assert.deepEqual(summary, fields);
    await page.context().close();
  });

  it('registration tells the truth about the password: it can be changed, and reset by an operator', async () => {
    const page = await desktopPage();
    await page.goto(`${server.url}/register`);
    const hint = await page.locator('#f-password-hint').innerText();
    assert.doesNotMatch(hint, /cannot be reset/);
    assert.match(hint, /change it later on My certificate/);
    assert.match(hint, /operator can give you a code/);
    await page.context().close();
  });

  it('the key backup button keeps its distance from the warning above it', async () => {
    const page = await desktopPage();
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 820 });
      await page.goto(`${server.url}/register`);
      // The finished step as the script shows it after a registration (its layout is all that is looked at).
      await page.evaluate(() => {
        document.querySelector<HTMLElement>('[data-step="form"]')!.hidden = true;
        document.querySelector<HTMLElement>('[data-step="done"]')!.hidden = false;
      });
      const warning = await page.locator('[data-step="done"] .callout-warning').boundingBox();
      const button = await page.getByRole('button', { name: 'Download key backup' }).boundingBox();
      assert.ok(warning && button);
      assert.ok(button.y - (warning.y + warning.height) >= 16, `at ${width} px, ${button.y - (warning.y + warning.height)} px between the warning and the button`);
    }
    await page.context().close();
  });

  /**
   * A conversation in a browser of its own: its person registers there (the composer opens only
   * with the key that browser keeps).
   */
  async function chatPage(options: { isMobile?: boolean; hasTouch?: boolean; viewport: { width: number; height: number } }): Promise<Page> {
    const page = await (await browser.newContext(options)).newPage();
    page.setDefaultTimeout(20_000);
    await registerThroughPage(page, server.url, { ...uniqueUser('formchat'), firstName: 'Rania', lastName: 'Haddad' });
    await page.getByRole('button', { name: 'Continue to TEKUP_chat' }).click();
    await page.waitForURL(/\/chat$/);
    await page.goto(`${server.url}/chat?with=${peer.login}`);
    await page.locator('[data-log-loading]').waitFor({ state: 'hidden' });
    await page.locator('#compose:enabled').waitFor();
    return page;
  }

  it('on a touch screen the composer says nothing of Enter, and Enter makes a new line', async () => {
    const page = await chatPage({ isMobile: true, hasTouch: true, viewport: { width: 375, height: 760 } });
    assert.equal(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), true, 'a touch screen');
    await page.getByText('End-to-end encrypted').waitFor();
    assert.equal(await page.getByText('Enter to send, Shift+Enter for a new line').isVisible(), false);
    let sent = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/messages') sent++;
    });
    const box = page.getByLabel(/^Message to /);
    await box.focus();
    await page.keyboard.type('First line');
    await page.keyboard.press('Enter');
    await page.keyboard.type('second line');
    assert.equal(await box.inputValue(), 'First line\nsecond line');
    assert.equal(sent, 0, 'Enter sent nothing');
    await assertAccessible(page, 'conversation on a touch screen');
    await page.context().close();
  });

  it('on a desktop the hint is there', async () => {
    const page = await chatPage({ viewport: { width: 1280, height: 820 } });
    assert.equal(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), false);
    await page.getByText('Enter to send, Shift+Enter for a new line').waitFor();
    assert.equal(await page.getByText('Enter to send, Shift+Enter for a new line').isVisible(), true);
    await page.context().close();
  });
});
