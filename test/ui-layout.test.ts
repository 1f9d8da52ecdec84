// Every page fits the screen it is on (issue 17): at 320, 375 and 414 px (phones) and 768 px (a
// tablet) no page is wider than the viewport, signed out and signed in, with the longest things the
// pages show (fingerprints, serials, an email address, a message with a long unbroken link, the
// revocation table). Screenshots at 320, 768 and 1280 px go to test-results/layout-*.png for a human.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SHOTS, assertAccessible, launchChromium } from './helpers/browser.ts';
import { startServer, type Running } from './helpers/server.ts';
import { uniqueUser, postJson } from './helpers/users.ts';
import { envelopeFor, send, webUser, type WebUser } from './helpers/webuser.ts';
import { registerThroughPage } from './helpers/ui.ts';

const WIDTHS = [320, 375, 414, 768];
const SHOT_WIDTHS = [320, 768, 1280];
const HEIGHT = 760;
const LONG_LINK = `https://example.org/${'a-very-long-path-segment-without-any-space'.repeat(3)}?q=${'0123456789'.repeat(6)}`;

interface Stop {
  name: string;
  path: string;
  /** What shows once the page has done its work (scripts, decryption). */
  ready?: (page: Page) => Promise<void>;
}

describe('layout on every screen width', { timeout: 240_000 }, () => {
  let server: Running;
  let browser: Browser;
  let signedIn: BrowserContext;
  let signedOut: BrowserContext;
  let me: ReturnType<typeof uniqueUser>;
  let bob: WebUser;

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    bob = await webUser(server.url, 'layoutbob');
    // A revoked certificate, so the authority page has its revocation table.
    const gone = await webUser(server.url, 'layoutgone');
    assert.equal((await postJson(`${server.url}/api/v1/certificate/revoke`, { reason: 'keyCompromise' }, { authorization: `Bearer ${gone.token}` })).status, 200);

    me = uniqueUser('layout');
    me.email = `${me.login}.with.a.rather.long.address@department-of-computing.example.org`;
    signedIn = await browser.newContext({ viewport: { width: 1280, height: HEIGHT }, acceptDownloads: true });
    signedOut = await browser.newContext({ viewport: { width: 1280, height: HEIGHT } });
    const page = await signedIn.newPage();
    page.setDefaultTimeout(20_000);
    await registerThroughPage(page, server.url, { ...me, firstName: 'Maximiliane', lastName: 'Ben Abdallah-Oueslati' });
    await fits(page, 'register-done');
    await page.getByRole('button', { name: 'Continue to TEKUP_chat' }).click();
    await page.waitForURL(/\/chat$/);
    await page.close();
    // A message with a link that has no place to break, for the conversation.
    const certificate = await (await fetch(`${server.url}/api/v1/users/${me.login}/certificate`, { headers: { authorization: `Bearer ${bob.token}` } })).text();
    const meAsRecipient = { ...bob, login: me.login, certificate } as WebUser;
    assert.equal((await send(server.url, bob, await envelopeFor(bob, meAsRecipient, `Look at ${LONG_LINK}`))).status, 201);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** At each width (and for the screenshots), the document is no wider than the window. */
  async function fits(page: Page, name: string): Promise<void> {
    const wide: string[] = [];
    for (const width of [...new Set([...WIDTHS, ...SHOT_WIDTHS])].sort((a, b) => a - b)) {
      await page.setViewportSize({ width, height: HEIGHT });
      await page.waitForFunction((w) => window.innerWidth === w, width);
      const { scroll, inner, widest } = await page.evaluate(() => {
        // What sticks out, to say in the failure.
        const over = [...document.querySelectorAll<HTMLElement>('body *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && e.getClientRects().length)
          .slice(0, 5)
          .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`);
        return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth, widest: over };
      });
      if (scroll > inner) wide.push(`${name} at ${width} px: the page is ${scroll} px wide in a ${inner} px window; sticking out: ${widest.join(', ')}`);
      if (SHOT_WIDTHS.includes(width)) {
        await page.screenshot({ path: join(SHOTS, `layout-${name}-${width}.png`), fullPage: true, caret: 'initial' });
        // A whole phone page shrinks to nothing when looked at: its first screen too, as it is seen.
        if (width < 400) await page.screenshot({ path: join(SHOTS, `layout-${name}-${width}-screen.png`), caret: 'initial' });
      }
    }
    await page.setViewportSize({ width: 1280, height: HEIGHT });
    // Every width is tried and pictured before the test fails, to see all that is wrong at once.
    assert.deepEqual(wide, []);
  }

  async function visit(context: BrowserContext, stop: Stop): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${server.url}${stop.path}`);
    await stop.ready?.(page);
    await fits(page, stop.name);
    await page.setViewportSize({ width: 320, height: HEIGHT });
    await assertAccessible(page, `${stop.name} at 320 px`);
    return page;
  }

  it('signed out: login, registration, recovery, the authority, the 404 page', async () => {
    const stops: Stop[] = [
      { name: 'login', path: '/login' },
      { name: 'register', path: '/register' },
      { name: 'link', path: '/link' },
      { name: 'recover', path: '/recover' },
      {
        name: 'authority',
        path: '/authority',
        // Opened: the revocation table and the openssl commands are the widest things on it.
        ready: async (p) => {
          await p.locator('summary', { hasText: 'Revoked certificates' }).click();
          await p.locator('summary', { hasText: 'Check a certificate yourself' }).click();
          await p.locator('.revoked-table').waitFor();
        },
      },
      { name: 'not-found', path: '/no/such/page', ready: (p) => p.getByRole('heading', { name: 'Page not found' }).waitFor() },
    ];
    const failures: string[] = [];
    for (const stop of stops) await visit(signedOut, stop).then((p) => p.close()).catch((e: Error) => failures.push(e.message));
    assert.deepEqual(failures, []);
  });

  it('signed in: chats, a conversation, its certificate popup, the directory, my certificate, the authority, the 404 page', async () => {
    const stops: Stop[] = [
      { name: 'chat', path: '/chat', ready: (p) => p.locator(`#conv-${bob.login}`).waitFor() },
      { name: 'directory', path: '/directory', ready: (p) => p.locator(`#person-${bob.login}`).waitFor() },
      { name: 'certificate', path: '/certificate', ready: (p) => p.locator('.cert-panel .chip').first().waitFor() },
      { name: 'authority-signed-in', path: '/authority', ready: (p) => p.locator('.mainnav').waitFor() },
      { name: 'not-found-signed-in', path: '/nothing/here', ready: (p) => p.getByRole('link', { name: 'Back to your chats' }).waitFor() },
    ];
    const failures: string[] = [];
    for (const stop of stops) await visit(signedIn, stop).then((p) => p.close()).catch((e: Error) => failures.push(e.message));
    assert.deepEqual(failures, []);

    const chat = await visit(signedIn, {
      name: 'conversation',
      path: `/chat?with=${bob.login}`,
      ready: (p) => p.locator('.msg-text', { hasText: 'a-very-long-path-segment' }).waitFor(),
    });
    await chat.locator('.cert-pop summary').click();
    await chat.locator('.cert-pop-body').waitFor();
    await fits(chat, 'conversation-certificate');
    await chat.close();
  });

  it('the app bar: every tab and button on screen, each label on one line and not cut off, at every width; axe passes', async () => {
    const page = await signedIn.newPage();
    await page.goto(`${server.url}/certificate`);
    await page.locator('[data-action="notifications"]').waitFor(); // the bell, once the script shows it
    // The phone widths, each side of the bar's two breakpoints (680 and 1000 px), a tablet, a desktop.
    for (const width of [...WIDTHS, 680, 681, 1000, 1001, 1280].sort((a, b) => a - b)) {
      await page.setViewportSize({ width, height: HEIGHT });
      await page.waitForFunction((w) => window.innerWidth === w, width);
      const controls = page.locator('.appbar').locator('a.navlink, button:visible');
      assert.equal(await controls.count(), 7, 'three tabs, the two languages, the bell and Log out');
      for (const control of await controls.all()) {
        const name = (await control.getAttribute('title')) ?? (await control.innerText());
        const box = await control.boundingBox();
        assert.ok(box && box.x >= 0 && box.x + box.width <= width, `${name} is on screen at ${width} px: ${JSON.stringify(box)}`);
        const cut = await control.evaluate((e) => e.scrollWidth > e.clientWidth + 1);
        assert.equal(cut, false, `${name} is not cut off at ${width} px`);
      }
      // The label a tab shows (full or short, whichever is on screen) takes one line.
      const lines = await page.locator('.navlink').evaluateAll((links) =>
        links.map((a) => {
          const shown = [...a.querySelectorAll<HTMLElement>('.navlabel, .navlabel-short')].find((l) => l.offsetWidth > 1)!;
          return [shown.textContent, shown.getClientRects().length] as const;
        }),
      );
      for (const [label, n] of lines) assert.equal(n, 1, `${label} on one line at ${width} px`);
      if (width === 320) await assertAccessible(page, 'certificate at 320 px');
    }
    await page.close();
  });
});
