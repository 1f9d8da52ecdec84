// The interface in French (issue 24), as a French reader gets it: every page at 320 and 1280 px in
// Chromium with the browser asking for French (Accept-Language), no page wider than the screen
// (French runs longer), axe clean, `<html lang="fr">`; the script's own words French too (a
// conversation with a verified message, a group, the New group dialog). And the language menu: it
// switches an English page to French with or without a session, the choice holds across pages, and
// for a signed-in person it follows them to a new browser. Screenshots: test-results/fr-*.png.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SHOTS, assertAccessible } from './helpers/browser.ts';
import { Ui, openChat, resize } from './helpers/ui.ts';

const FRENCH = { locale: 'fr-FR' };
const WIDTHS = [320, 1280];
const HEIGHT = 760;

/** Words of the English interface that a French page must not show (whole words, in the visible text). */
const ENGLISH = /\b(Log in|Log out|Create an account|Password|Directory|My certificate|Certificate authority|Verified|Send|Cancel|Members|Page not found|Skip to content)\b/;

async function fitsInFrench(page: Page, name: string): Promise<string[]> {
  const wrong: string[] = [];
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr', `${name}: <html lang="fr">`);
  assert.equal(await page.locator('html').getAttribute('dir'), 'ltr');
  for (const width of WIDTHS) {
    await resize(page, { width, height: HEIGHT });
    const { scroll, over } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      over: [...document.querySelectorAll<HTMLElement>('body *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && e.getClientRects().length)
        .slice(0, 4)
        .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`),
    }));
    if (scroll > width) wrong.push(`${name} at ${width} px is ${scroll} px wide: ${over.join(', ')}`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `fr-${name}-${width}.png`), fullPage: true, caret: 'initial' });
    if (width === 320) await assertAccessible(page, `${name} in French at 320 px`);
  }
  const text = await page.locator('body').innerText();
  const english = ENGLISH.exec(text);
  if (english) wrong.push(`${name}: English on a French page: "${english[0]}"`);
  await resize(page, { width: 1280, height: HEIGHT });
  return wrong;
}

describe('the interface in French', { timeout: 300_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  it('signed out: every page in French, fitting 320 and 1280 px, axe clean', async () => {
    const page = await ui.page(FRENCH);
    const wrong: string[] = [];
    for (const [name, path] of [
      ['login', '/login'],
      ['register', '/register'],
      ['link', '/link'],
      ['recover', '/recover'],
      ['authority', '/authority'],
      ['not-found', '/no/such/page'],
    ] as const) {
      await page.goto(`${ui.url}${path}`);
      wrong.push(...(await fitsInFrench(page, name)));
    }
    assert.deepEqual(wrong, []);
  });

  it('signed in: chats, a conversation, a group and its dialog, the directory, my certificate', async () => {
    const [amira, bilel] = await Promise.all([ui.person('amira', 'Amira', 'Ben Salah'), ui.person('bilel', 'Bilel', 'Gharbi')]);
    const a = await ui.signedIn(amira, FRENCH);
    const b = await ui.signedIn(bilel, FRENCH);
    const wrong: string[] = [];
    wrong.push(...(await fitsInFrench(a, 'chat')));

    await openChat(b, ui.url, amira);
    // The composer is named in French: "Message à …".
    const composer = b.getByLabel(/^Message à /);
    await composer.fill('Bonjour Amira');
    await composer.press('Enter');
    await openChat(a, ui.url, bilel);
    // The script's own words: the badge of a verified message.
    await a.locator('.msg.is-verified', { hasText: 'Bonjour Amira' }).waitFor();
    assert.match(await a.locator('.msg.is-verified .msg-state').first().innerText(), /Vérifié/);
    wrong.push(...(await fitsInFrench(a, 'conversation')));

    await a.locator('[data-action="new-group"]').first().click();
    const dialog = a.getByRole('dialog');
    await dialog.waitFor();
    wrong.push(...(await fitsInFrench(a, 'new-group-dialog')));
    await a.keyboard.press('Escape');

    for (const [name, path] of [
      ['directory', '/directory'],
      ['certificate', '/certificate'],
      ['authority-signed-in', '/authority'],
    ] as const) {
      await a.goto(`${ui.url}${path}`);
      wrong.push(...(await fitsInFrench(a, name)));
    }
    assert.deepEqual(wrong, []);
  });

  it('the language menu switches to French and back, and a signed-in choice follows the person to a new browser', async () => {
    const page = await ui.page();
    await page.goto(`${ui.url}/login`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await page.getByRole('button', { name: 'Français' }).click();
    await page.waitForURL(/\/login$/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
    // The choice holds on the next page, whatever the browser asks for.
    await page.goto(`${ui.url}/register`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
    assert.equal(await page.getByRole('button', { name: 'Français' }).getAttribute('aria-pressed'), 'true');
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForURL(/\/register$/);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');

    // Signed in: the choice is the account's too.
    const chaima = await ui.person('chaima', 'Chaima', 'Jaziri');
    const here = await ui.signedIn(chaima);
    await here.goto(`${ui.url}/certificate`);
    assert.equal(await here.locator('html').getAttribute('lang'), 'en');
    await here.getByRole('button', { name: 'Français' }).click();
    await here.waitForURL(/\/certificate$/);
    assert.equal(await here.locator('html').getAttribute('lang'), 'fr');
    // Another browser, asking for English, with no cookie of this one: the account's French wins.
    const elsewhere = await ui.signedIn(chaima, { locale: 'en-US' });
    await elsewhere.goto(`${ui.url}/directory`);
    assert.equal(await elsewhere.locator('html').getAttribute('lang'), 'fr');
    await seesNothingEnglish(elsewhere);
  });
});

async function seesNothingEnglish(page: Page): Promise<void> {
  const english = ENGLISH.exec(await page.locator('body').innerText());
  assert.equal(english, null, `English words on a French page: ${english?.[0]}`);
}
