// Chatting in a real browser (Debian's Chromium driven by playwright-core) against the real server:
// the directory with live presence, messages both ways shown verified as they arrive, someone
// offline who finds the message on return (unread count, then a read receipt), the keyboard alone,
// a message written offline that goes when the connection returns, history in pages, a phone, and
// dark mode. Every test has its own two people, each logged in within a browser of their own.
// axe-core checks every page; screenshots (desktop and phone) go to test-results/.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SHOTS } from './helpers/browser.ts';
import { PHONE, Ui, audit, bubbleOf, logIn, logInWithBackup, openChat, seesVerified, send } from './helpers/ui.ts';
import { write, type Person } from './helpers/person.ts';

describe('chatting in the web interface', { timeout: 300_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  interface Side {
    who: Person;
    page: Page;
  }

  /** Alice and Bob, each logged in within a browser of their own, on /chat. */
  async function aliceAndBob(): Promise<{ alice: Side; bob: Side }> {
    const [aliceWho, bobWho] = await Promise.all([ui.person('alice', 'Alice', 'Martin'), ui.person('bob', 'Bob', 'Ben Salah')]);
    return { alice: { who: aliceWho, page: await ui.signedIn(aliceWho) }, bob: { who: bobWho, page: await ui.signedIn(bobWho) } };
  }

  /** Each has the conversation with the other open. */
  async function face(alice: Side, bob: Side): Promise<void> {
    await openChat(alice.page, ui.url, bob.who);
    await openChat(bob.page, ui.url, alice.who);
  }

  it('the directory lists people, online first, with fingerprints, and live presence', async () => {
    const { alice, bob } = await aliceAndBob();
    const page = alice.page;
    await page.goto(`${ui.url}/directory`);
    const bobRow = page.locator(`#person-${bob.who.login}`);
    await bobRow.getByText('Online').waitFor();
    assert.match(await bobRow.locator('.fingerprint').innerText(), /^[0-9a-f]{4}( [0-9a-f]{4}){15}$/);
    await audit(page, 'directory');
  });

  it('messages go both ways, each shown as verified, live', async () => {
    const { alice, bob } = await aliceAndBob();
    await face(alice, bob);
    await send(alice.page, 'Hello Bob, this is Alice.');
    await seesVerified(alice.page, 'Hello Bob, this is Alice.');
    await seesVerified(bob.page, 'Hello Bob, this is Alice.');
    await send(bob.page, 'Hi Alice! Got it, signed and sealed.');
    await seesVerified(bob.page, 'Hi Alice! Got it, signed and sealed.');
    await seesVerified(alice.page, 'Hi Alice! Got it, signed and sealed.');
    await audit(alice.page, 'chat');
  });

  it('someone offline receives on return, with an unread count', async () => {
    const { alice, bob } = await aliceAndBob();
    await face(alice, bob);
    // A message Bob reads as it arrives, before he leaves.
    await send(alice.page, 'Hello Bob, this is Alice.');
    await seesVerified(bob.page, 'Hello Bob, this is Alice.');

    await bob.page.getByRole('button', { name: 'Log out' }).click();
    await bob.page.waitForURL(/\/login\?notice=logged-out/);
    await alice.page.locator('#conv-presence').getByText('Online').waitFor({ state: 'detached' });
    // The conversation list is re-rendered by htmx on the presence event: Bob is now "last seen".
    await alice.page.locator(`#conv-${bob.who.login}`).getByText(/Last seen/).waitFor();
    await send(alice.page, 'Are you there? Read this when you are back.');
    await seesVerified(alice.page, 'Are you there? Read this when you are back.');
    await alice.page.locator('.msg', { hasText: 'Are you there?' }).getByText('Sent').waitFor();

    await logIn(bob.page, ui.url, bob.who);
    const badge = bob.page.locator(`[data-unread-for="${alice.who.login}"]`);
    await badge.filter({ hasText: '1' }).waitFor();
    await bob.page.getByRole('link', { name: new RegExp(`^Alice Martin @${alice.who.login}(?!\\d)`) }).click();
    await seesVerified(bob.page, 'Are you there? Read this when you are back.');
    await seesVerified(bob.page, 'Hello Bob, this is Alice.');
    await badge.waitFor({ state: 'hidden' });

    // A read receipt: on Alice's page "Sent" gives way to "Seen", on her newest message only,
    // live, and again on a page opened afterwards.
    const asked = alice.page.locator('.msg', { hasText: 'Are you there?' });
    await asked.locator('[data-seen]').getByText('Seen').waitFor();
    assert.equal(await asked.getByText('Sent', { exact: true }).count(), 0);
    assert.equal(await alice.page.locator('[data-seen]').count(), 1);
    await alice.page.reload();
    await seesVerified(alice.page, 'Are you there? Read this when you are back.');
    await asked.locator('[data-seen]').waitFor();
    assert.equal(await alice.page.locator('[data-seen]').count(), 1);
    await audit(alice.page, 'chat-seen');
  });

  it('works with the keyboard alone: skip link, conversation list, Enter to send', async () => {
    const { alice, bob } = await aliceAndBob();
    await openChat(alice.page, ui.url, bob.who);
    const page = bob.page;
    await page.goto(`${ui.url}/chat`);
    // Alice is online, so at the top of Bob's list.
    await page.locator(`#conv-${alice.who.login} .presence-text.is-online`).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    // Tab through to the conversation with Alice, open it, type, send.
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.getAttribute('data-conv'))) !== alice.who.login; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/chat\\?with=${alice.who.login}$`));
    await page.waitForFunction(() => document.activeElement?.id === 'compose');
    await page.keyboard.type('Typed without a mouse.');
    await page.keyboard.press('Enter');
    await seesVerified(page, 'Typed without a mouse.');
    await seesVerified(alice.page, 'Typed without a mouse.');
  });

  it('a message that cannot be sent yet (offline) waits, and goes by itself when the connection returns', async () => {
    const { alice, bob } = await aliceAndBob();
    await face(alice, bob);
    ui.offline = true; // the loads that fail while Alice's browser is offline are the point
    await alice.page.context().setOffline(true);
    await send(alice.page, 'Sent from a tunnel.');
    const bubble = alice.page.locator('.msg', { hasText: 'Sent from a tunnel.' });
    await bubble.getByText('Waiting for connection').waitFor();
    await alice.page.locator('[data-connection]', { hasText: 'You are offline' }).waitFor();
    await audit(alice.page, 'chat-not-sent');
    await alice.page.context().setOffline(false);
    await seesVerified(alice.page, 'Sent from a tunnel.');
    await seesVerified(bob.page, 'Sent from a tunnel.');
    await alice.page.locator('[data-connection]').waitFor({ state: 'hidden' });
  });

  it('history comes in pages: the newest first, earlier ones on demand', async () => {
    const { alice, bob } = await aliceAndBob();
    const page = alice.page;
    await openChat(page, ui.url, bob.who);
    await send(page, 'Hello Bob, this is Alice.');
    await seesVerified(page, 'Hello Bob, this is Alice.');
    const box = page.getByLabel(/^Message to /);
    for (let i = 1; i <= 31; i++) {
      await box.fill(`Numbered message ${i}`);
      await box.press('Enter');
    }
    await bubbleOf(page, 'Numbered message 31').locator('.badge-ok').waitFor();
    await openChat(bob.page, ui.url, alice.who);
    await seesVerified(bob.page, 'Numbered message 31');
    assert.equal(await bob.page.locator('.msg', { hasText: 'Hello Bob, this is Alice.' }).count(), 0, 'older messages wait for their page');
    await bob.page.getByRole('button', { name: 'Load earlier messages' }).click();
    await seesVerified(bob.page, 'Hello Bob, this is Alice.');
    await bob.page.getByRole('button', { name: 'Load earlier messages' }).waitFor({ state: 'hidden' });
    await audit(bob.page, 'chat-history');
  });

  it('the chat is usable on a phone: list, then conversation', async () => {
    const alice = await ui.person('alice', 'Alice', 'Martin');
    const bob = await ui.person('bob', 'Bob', 'Ben Salah');
    await write(ui.url, alice, bob, 'A word for your phone.');
    const page = await ui.page({ viewport: PHONE, isMobile: true, hasTouch: true });
    await logInWithBackup(page, ui.url, bob);
    await page.screenshot({ path: join(SHOTS, 'ui-chat-list-phone.png'), caret: 'initial' });
    await page.getByRole('link', { name: new RegExp(`^Alice Martin @${alice.login}(?!\\d)`) }).click();
    await page.locator('.msg', { hasText: 'A word for your phone.' }).locator('.badge-ok').waitFor();
    assert.equal(await page.locator('.convs').isVisible(), false, 'the list gives way to the conversation');
    await page.screenshot({ path: join(SHOTS, 'ui-chat-conversation-phone.png'), caret: 'initial' });
    await page.getByRole('link', { name: 'Back to all chats' }).click();
    await page.locator('.convs').waitFor();
  });

  it('dark mode follows the system setting', async () => {
    const alice = await ui.person('alice', 'Alice', 'Martin');
    const bob = await ui.person('bob', 'Bob', 'Ben Salah');
    await write(ui.url, alice, bob, 'Numbered message 31');
    await write(ui.url, bob, alice, 'Seen in the dark.');
    const page = await ui.signedIn(alice, { colorScheme: 'dark' });
    await openChat(page, ui.url, bob);
    await seesVerified(page, 'Numbered message 31');
    await seesVerified(page, 'Seen in the dark.');
    assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
    await audit(page, 'chat-dark');
  });
});
