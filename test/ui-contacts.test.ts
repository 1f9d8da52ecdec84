// What a new user met in the browser (issue 17), in Debian's Chromium against the real server:
// a login typed in capitals is lowercased as typed, with a hint; a contact whose certificate is
// revoked is shown as revoked everywhere (never a green chip, no way to write to them); messages
// written offline wait, in order, and go when the connection returns; web addresses in messages
// are links; and every time on every page is written the one local way, never "UTC".
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { auditDesktop } from './helpers/browser.ts';
import { Ui } from './helpers/ui.ts';
import type { Person } from './helpers/person.ts';
import { uniqueUser } from './helpers/users.ts';
import { envelopeFor, send, webUser, type WebUser } from './helpers/webuser.ts';

describe('contacts, connection, links and times in the browser', { timeout: 240_000 }, () => {
  const ui = new Ui();
  /** Writes to whoever a test has signed in; has no conversation of its own. */
  let bob: WebUser;
  /** The test's Alice, logged in within a browser of her own, and that browser's page. */
  let alice: Person;
  let page: Page;

  const get = async (as: WebUser, path: string) => {
    const res = await fetch(`${ui.url}${path}`, { headers: { authorization: `Bearer ${as.token}`, accept: 'application/json' } });
    assert.equal(res.status, 200, path);
    return res;
  };
  /** `from` writes to Alice through the API, encrypted for her current certificate. */
  async function writeToAlice(from: WebUser, text: string): Promise<void> {
    const certificate = await (await fetch(`${ui.url}/api/v1/users/${alice.login}/certificate`, { headers: { authorization: `Bearer ${from.token}` } })).text();
    const r = await send(ui.url, from, await envelopeFor(from, { login: alice.login, certificate } as WebUser, text));
    assert.equal(r.status, 201, JSON.stringify(r.json));
  }
  /** A new Alice, logged in within a fresh browser. */
  async function aliceSignedIn(): Promise<void> {
    alice = await ui.person('alice', 'Alice', 'Martin');
    page = await ui.signedIn(alice);
  }
  async function openChat(peer: WebUser): Promise<void> {
    await page.goto(`${ui.url}/chat?with=${peer.login}`);
    await page.locator('[data-log-loading]').waitFor({ state: 'hidden' });
  }
  const bubbleOf = (text: string) => page.locator('.msg', { has: page.locator('.msg-text', { hasText: text }) });

  before(async () => {
    await ui.start();
    bob = await webUser(ui.url, 'bob');
  });
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  it('registration lowercases a login typed in capitals, as typed, and says so', async () => {
    const alice = { ...uniqueUser('alice'), firstName: 'Alice', lastName: 'Martin' };
    const page = await ui.page();
    const typed = `Alice${alice.login.slice(5)}`;
    assert.notEqual(typed, alice.login);
    await page.goto(`${ui.url}/register`);
    await page.getByLabel('First name').fill(alice.firstName);
    await page.getByLabel('Last name').fill(alice.lastName);
    await page.getByLabel('Identity card number').fill(alice.cardNumber);
    await page.getByLabel('Email address').fill(alice.email);
    const login = page.getByLabel('Login', { exact: true });
    await login.pressSequentially(typed);
    assert.equal(await login.inputValue(), alice.login);
    await page.getByText(`Logins are lowercase: ${alice.login}`).waitFor();
    assert.equal(await login.getAttribute('aria-invalid'), null);
    await auditDesktop(page, 'register-login-case');
    await page.getByLabel('Password', { exact: true }).fill(alice.password);
    await page.getByLabel('Repeat the password').fill(alice.password);
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByRole('heading', { name: `Welcome, ${alice.firstName}` }).waitFor({ timeout: 60_000 });
    await page.locator('[data-done-login]', { hasText: alice.login }).waitFor();
    await page.getByRole('button', { name: 'Continue to TEKUP_chat' }).click();
    await page.waitForURL(/\/chat$/);
  });

  it('a contact whose certificate is revoked is shown revoked, with when and why, and cannot be written to', async () => {
    await aliceSignedIn();
    const dave = await webUser(ui.url, 'dave');
    await writeToAlice(dave, 'Signed before my certificate was revoked.');
    const revoked = await fetch(`${ui.url}/api/v1/certificate/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dave.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'affiliationChanged' }),
    });
    assert.equal(revoked.status, 200);

    // The directory: a red "Revoked" and why, no Message button; Bob keeps his.
    await page.goto(`${ui.url}/directory`);
    const daveRow = page.locator(`#person-${dave.login}`);
    await daveRow.locator('.chip-danger', { hasText: 'Revoked' }).waitFor();
    await daveRow.getByText(/Revoked on .+ \(affiliation changed\)\. Messages cannot be encrypted for/).waitFor();
    assert.equal(await daveRow.getByRole('link', { name: /Message/ }).count(), 0);
    assert.equal(await daveRow.locator('.chip-ok').count(), 0);
    await page.locator(`#person-${bob.login}`).getByRole('link', { name: /Message/ }).waitFor();
    await auditDesktop(page, 'directory-revoked');

    // The conversation: the chip is red and says "Revoked", its popup when and why; no composer.
    await openChat(dave);
    const chip = page.locator('.conv-head .cert-pop summary');
    await chip.filter({ hasText: 'Revoked' }).waitFor();
    assert.match((await chip.getAttribute('class')) ?? '', /chip-danger/);
    assert.equal(await page.locator('.conv-head .chip-ok').count(), 0, 'never green');
    await chip.click();
    const pop = page.locator('.conv-head .cert-pop-body');
    await pop.getByText(/^Revoked on .+ \(affiliation changed\)\.$/).waitFor();
    await pop.getByText(/Messages cannot be encrypted for/).waitFor();
    assert.doesNotMatch(await pop.innerText(), /UTC/);
    assert.equal(await page.getByLabel(/^Message to /).isDisabled(), true);
    assert.equal(await page.locator('[data-send]').isDisabled(), true);
    // The list beside it says so too.
    await page.locator(`#conv-${dave.login} .chip-danger`, { hasText: 'Revoked' }).waitFor();
    // What Dave signed before the revocation keeps its signature, but is not shown green.
    const earlier = bubbleOf('Signed before my certificate was revoked.');
    await earlier.locator('.badge-warn', { hasText: 'Verified when sent' }).waitFor();
    assert.equal(await earlier.locator('.badge-ok').count(), 0);
    await auditDesktop(page, 'chat-revoked');
    await page.keyboard.press('Escape');
  });

  it('messages written offline wait, then go in order when the connection returns', async () => {
    await aliceSignedIn();
    ui.offline = true; // the loads that fail while the browser is offline are the point
    await openChat(bob);
    const banner = page.locator('[data-connection]');
    await page.context().setOffline(true);
    await banner.filter({ hasText: 'You are offline' }).waitFor();
    const box = page.getByLabel(/^Message to /);
    for (const text of ['First, from the tunnel.', 'Second, from the tunnel.']) {
      await box.fill(text);
      await box.press('Enter');
      await bubbleOf(text).getByText('Waiting for connection').waitFor();
    }
    assert.equal(await page.getByText(/Not sent/).count(), 0, 'waiting, not failed');
    await auditDesktop(page, 'chat-offline');

    await page.context().setOffline(false);
    for (const text of ['First, from the tunnel.', 'Second, from the tunnel.']) {
      await bubbleOf(text).locator('.badge-ok', { hasText: 'Verified' }).waitFor();
      await bubbleOf(text).getByText('Sent').waitFor();
    }
    await banner.waitFor({ state: 'hidden' });

    // Bob has both, once each, in the order they were written.
    const ids = await page.locator('.msg.is-mine').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id));
    const history = (await (await get(bob, `/api/v1/messages?with=${alice.login}`)).json()) as { messages: Array<{ id: string; from: string }> };
    const fromAlice = history.messages.filter((m) => m.from === alice.login).map((m) => m.id);
    assert.deepEqual(fromAlice, ids.slice(-2));
    assert.equal(new Set(fromAlice).size, 2);
  });

  it('a web address in a message is a link that opens apart; anything else stays text', async () => {
    await aliceSignedIn();
    await writeToAlice(bob, 'The guide: https://example.org/guide?x=1. Not a link: javascript:alert(1) <b>bold?</b>');
    await openChat(bob);
    const bubble = bubbleOf('The guide:');
    const link = bubble.getByRole('link', { name: 'https://example.org/guide?x=1' });
    await link.waitFor();
    assert.equal(await link.getAttribute('href'), 'https://example.org/guide?x=1');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await bubble.locator('a').count(), 1);
    assert.equal(await bubble.locator('.msg-text b').count(), 0);
    assert.match(await bubble.locator('.msg-text').innerText(), /x=1\. Not a link: javascript:alert\(1\) <b>bold\?<\/b>$/);
  });

  it('every page writes times one way, in local time: never a "UTC" beside local times', async () => {
    await aliceSignedIn();
    // Something to show a time for in the conversation and the list.
    await writeToAlice(bob, 'What time is it where you are?');
    const localOf = (p: Page) =>
      p.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLTimeElement>('time[data-local], .msg-time')).map((t) => ({
          shown: t.textContent,
          time: new Date(t.dateTime).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }),
          date: new Date(t.dateTime).toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' }),
          style: t.dataset.local ?? 'time',
        })),
      );
    for (const path of ['/certificate', '/directory', `/chat?with=${bob.login}`, '/authority']) {
      await page.goto(`${ui.url}${path}`);
      await page.waitForLoadState('load');
      await page.waitForFunction(() => !/\bUTC\b/.test(document.body.innerText));
      for (const t of await localOf(page)) {
        if (t.style === 'time') assert.equal(t.shown, t.time, path);
        else if (t.style === 'date') assert.equal(t.shown, t.date, path);
        else assert.ok(t.shown?.includes(t.date) && t.shown.includes(t.time), `${path}: ${t.shown}`);
      }
    }
    // The session list and security activity in particular.
    await page.goto(`${ui.url}/certificate`);
    await page.locator('[data-sessions] time[data-local]').first().waitFor();
    assert.doesNotMatch(await page.locator('[data-sessions]').innerText(), /UTC/);
    assert.doesNotMatch((await page.locator('[data-sessions]').innerHTML()).replace(/<time[^>]*>/g, ''), /aria-label="[^"]*UTC/);
  });

  it('a message that waited past the server clock window is signed again with a fresh time, and kept once', async () => {
    await aliceSignedIn();
    ui.offline = true; // the loads that fail while the browser is offline are the point
    // This browser's clock runs 6 minutes behind: what it writes offline is stale by the time the
    // clock is right again, and the server takes a sentAt only within 5 minutes of its own.
    await page.clock.install({ time: new Date(Date.now() - 6 * 60_000) });
    await page.clock.resume();
    await openChat(bob);
    await page.context().setOffline(true);
    const text = 'Third, after a long tunnel.';
    const box = page.getByLabel(/^Message to /);
    await box.fill(text);
    await box.press('Enter');
    await bubbleOf(text).getByText('Waiting for connection').waitFor();
    const written = Date.parse((await bubbleOf(text).locator('time').getAttribute('datetime'))!);
    await page.clock.setSystemTime(new Date());
    await page.context().setOffline(false);
    await bubbleOf(text).locator('.badge-ok', { hasText: 'Verified' }).waitFor();
    const sentAt = Date.parse((await bubbleOf(text).locator('time').getAttribute('datetime'))!);
    assert.ok(sentAt - written > 5 * 60_000, 'signed again with the time it was sent');
    assert.ok(Math.abs(sentAt - Date.now()) < 60_000);
    const history = (await (await get(bob, `/api/v1/messages?with=${alice.login}`)).json()) as { messages: Array<{ id: string; sentAt: string }> };
    const id = await bubbleOf(text).getAttribute('data-id');
    assert.equal(history.messages.filter((m) => m.id === id).length, 1);
    assert.equal(await page.getByText(/Not sent/).count(), 0);
  });
});
