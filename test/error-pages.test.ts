// Refusals as a browser meets them and as a program does (src/web/errors.ts): a navigation to a
// page that is not there gets a page in the app's layout, with the way back, that axe-core passes;
// the API and anything not asking for HTML keep the protocol's JSON shape, exactly.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { assertAccessible, launchChromium, watchedPage } from './helpers/browser.ts';
import { startServer, type Running } from './helpers/server.ts';
import { enrollUser, loginAs } from './helpers/login.ts';

// What Chromium sends when someone types an address or follows a link.
const NAVIGATION = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('error pages', { timeout: 120_000 }, () => {
  let server: Running;
  let cookie: string;
  let browser: Browser | undefined;

  before(async () => {
    server = await startServer();
    const u = await enrollUser(server.url, 'errpage');
    cookie = `tekup_session=${await loginAs(server.url, u)}`;
  });
  after(async () => {
    await browser?.close();
    await server.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => fetch(`${server.url}${path}`, { method, headers, redirect: 'manual' });

  it('a browser asking for a page that is not there gets a 404 page in the layout, with the way back', async () => {
    const res = await get('/no/such/page', { accept: NAVIGATION });
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(res.headers.get('vary') ?? '', /Accept/);
    const html = await res.text();
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<header class="appbar">/, 'the app bar');
    assert.match(html, /<main id="main"/);
    assert.match(html, /<h1 id="error-title">Page not found<\/h1>/);
    assert.match(html, /There is nothing at \/no\/such\/page\./);
    assert.match(html, /href="\/login"[^>]*>Go to the login page/);
    assert.match(html, /href="\/"[^>]*>Home page/);
    assert.doesNotMatch(html, /\sstyle=/);

    // Signed in: the person's own app bar, and back to their chats.
    const mine = await (await get('/no/such/page', { accept: NAVIGATION, cookie })).text();
    assert.match(mine, /data-me="errpage/);
    assert.match(mine, /<nav class="mainnav"/);
    assert.match(mine, /href="\/chat"[^>]*>.*Back to your chats/s);
  });

  it('programs keep the JSON error shape: the API, no Accept, Accept: application/json, htmx', async () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['/api/v1/nothing', { accept: NAVIGATION }],
      ['/api/v1/nothing', {}],
      ['/ca/nothing', { accept: NAVIGATION }],
      ['/no/such/page', {}],
      ['/no/such/page', { accept: 'application/json' }],
      ['/no/such/page', { accept: '*/*' }],
      ['/no/such/page', { accept: NAVIGATION, 'hx-request': 'true' }],
    ];
    for (const [path, headers] of cases) {
      const res = await get(path, headers);
      const what = `${path} ${JSON.stringify(headers)}`;
      assert.equal(res.status, 404, what);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/, what);
      assert.deepEqual(await res.json(), { error: 'not_found', message: `Nothing is at GET ${path}.` }, what);
    }
    const post = await get('/api/v1/nothing', { accept: NAVIGATION, 'content-type': 'application/json' }, 'POST');
    assert.deepEqual(await post.json(), { error: 'not_found', message: 'Nothing is at POST /api/v1/nothing.' });
  });

  it('other statuses a navigation meets are pages too: a form posted from another site (403)', async () => {
    const res = await fetch(`${server.url}/authority`, {
      method: 'POST',
      headers: { accept: NAVIGATION, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'certificate=x',
    });
    assert.equal(res.status, 403);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const html = await res.text();
    assert.match(html, /<h1 id="error-title">This request was refused<\/h1>/);
    assert.match(html, /came from another site/);
    // The same refusal to a program is the JSON shape.
    const api = await fetch(`${server.url}/authority`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'certificate=x',
    });
    assert.equal(api.status, 403);
    assert.equal((await api.json()).error, 'forbidden');
  });

  it('in a browser: the 404 page passes axe, signed out and in, and its link leads back', async () => {
    browser = await launchChromium();
    const problems: string[] = [];
    const page = await watchedPage(browser, problems);
    const res = await page.goto(`${server.url}/nowhere-at-all`);
    assert.equal(res?.status(), 404);
    await page.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor();
    await assertAccessible(page, '404 signed out');
    await page.getByRole('link', { name: 'Go to the login page' }).click();
    await page.waitForURL(/\/login$/);

    const [name, value] = cookie.split('=');
    await page.context().addCookies([{ name, value, url: server.url }]);
    await page.goto(`${server.url}/nowhere-at-all`);
    await page.getByRole('link', { name: 'Back to your chats' }).waitFor();
    await assertAccessible(page, '404 signed in');
    // The browser reports the 404 of the page itself as a failed load; nothing else may be wrong.
    assert.deepEqual(problems, []);
  });
});
