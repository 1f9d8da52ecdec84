// New-message notifications in a real browser (Debian's Chromium driven by playwright-core)
// against the real server: once turned on with the bell, a message not on screen is told by the
// sender's name, never its text; a message read where it arrives is not told; turned off, nothing is.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { Ui, eventually, openChat, seesVerified, send } from './helpers/ui.ts';
import { apiSession, signIn } from './helpers/person.ts';

describe('notifications in the web interface', { timeout: 240_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  /** Once the page's event stream is open, a message sent from then on reaches the page through it. */
  const streamReady = (page: Page) => page.waitForFunction(() => (window as unknown as { __streamReady?: boolean }).__streamReady === true);

  it("notifications, once turned on: the sender's name for a message not on screen, never its text", async () => {
    const [alice, bob] = await Promise.all([ui.person('alice', 'Alice', 'Martin'), ui.person('bob', 'Bob', 'Ben Salah')]);
    const context = await ui.context();
    // A stand-in for the system's notifications records what the page asks it to show; the
    // permission it grants is kept like a browser's. And a mark on the window once the page's
    // event stream is open (its "ready" event), so a message is sent only when it can arrive live.
    await context.addInitScript(() => {
      const shown: Array<{ title: string; body?: string; tag?: string }> = [];
      const w = window as unknown as Record<string, unknown>;
      w.__notifications = shown;
      w.Notification = class {
        static get permission(): string {
          return localStorage.getItem('test.permission') ?? 'default';
        }
        static async requestPermission(): Promise<string> {
          localStorage.setItem('test.permission', 'granted');
          return 'granted';
        }
        onclick: unknown = null;
        constructor(title: string, o: { body?: string; tag?: string } = {}) {
          shown.push({ title, body: o.body, tag: o.tag });
        }
        close(): void {}
      };
      const Source = window.EventSource;
      w.EventSource = class extends Source {
        constructor(url: string | URL, init?: EventSourceInit) {
          super(url, init);
          this.addEventListener('ready', () => (w.__streamReady = true));
        }
      };
    });
    const page = await signIn(context, ui.url, alice);
    const bobPage = await ui.signedIn(bob);
    const shown = () => page.evaluate(() => (window as unknown as { __notifications: unknown[] }).__notifications);
    await openChat(bobPage, ui.url, alice);
    await page.goto(`${ui.url}/directory`);
    await page.getByRole('button', { name: 'Notify me of new messages' }).click();
    const bell = page.getByRole('button', { name: 'Notifications on: turn them off' });
    await bell.waitFor();
    assert.equal(await bell.getAttribute('aria-pressed'), 'true');

    await streamReady(page);
    await send(bobPage, 'A secret the system must not show');
    await page.waitForFunction(() => (window as unknown as { __notifications: unknown[] }).__notifications.length > 0);
    assert.deepEqual(await shown(), [{ title: 'TEKUP_chat', body: `New message from @${bob.login}`, tag: `tekup-chat-${bob.login}` }]);

    // The conversation on screen: no notification for what is read there.
    await openChat(page, ui.url, bob);
    await streamReady(page);
    await send(bobPage, 'Read here, so no notification');
    await seesVerified(page, 'Read here, so no notification');
    assert.deepEqual(await shown(), []);
    // Read there for the server too before Alice leaves, so that her next page counts nothing unread.
    const aliceApi = await apiSession(ui.url, alice);
    await eventually(
      async () => ((await (await fetch(`${ui.url}/api/v1/conversations`, { headers: { authorization: `Bearer ${aliceApi.token}` } })).json()) as { conversations: Array<{ with: string; unread: number }> }).conversations.find((c) => c.with === bob.login)?.unread,
      (unread) => unread === 0,
      "Alice's unread count from Bob",
    );

    // Turned off again: nothing, whatever the browser allows.
    await page.goto(`${ui.url}/directory`);
    await page.getByRole('button', { name: 'Notifications on: turn them off' }).click();
    await page.getByRole('button', { name: 'Notify me of new messages' }).waitFor();
    await streamReady(page);
    await send(bobPage, 'Nobody is told of this one');
    // The message did arrive (the unread count says so), and no notification came of it: the page
    // counts a message and decides on its notification in the same step (shell.ts), so once the
    // count shows, a notification would already be there.
    await page.locator('[data-unread-total]', { hasText: '1' }).waitFor();
    assert.deepEqual(await shown(), []);
  });
});
