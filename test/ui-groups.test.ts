// Group conversations (protocol §7) in a real browser (Debian's Chromium driven by playwright-core)
// against the real server, with three people in three browsers: Amira creates a group with Bilel
// and Chaima from the "New group" dialog; all three write, and every message is Verified on every
// page; a message arriving while the group is not open counts as unread in the chat list; Amira
// renames the group, removes Chaima (who sees the line, keeps the history read-only and gets no
// later message) and makes Bilel an admin; Bilel sees who read his message ("Seen by"); the proof
// of a group message names the group and its members. axe on the
// conversation and the dialogs; screenshots at 1280 and 320 px into test-results/.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Ui, audit, bubbleOf, resize, seesVerified, send } from './helpers/ui.ts';
import { SHOTS, assertAccessible } from './helpers/browser.ts';

const NARROW = { width: 320, height: 720 };
const WIDE = { width: 1280, height: 820 };

async function shots(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? WIDE;
  for (const [label, s] of [['1280', WIDE], ['320', NARROW]] as const) {
    await resize(page, s);
    await page.screenshot({ path: join(SHOTS, `ui-${name}-${label}.png`), fullPage: true, caret: 'initial' });
  }
  await resize(page, size);
}

describe('group conversations', { timeout: 300_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  it('create, write, verify, unread, rename, remove, make admin, seen by', async () => {
    const [amira, bilel, chaima] = await Promise.all([ui.person('amira', 'Amira', 'Ben Salah'), ui.person('bilel', 'Bilel', 'Gharbi'), ui.person('chaima', 'Chaima', 'Jaziri')]);
    const [a, b, c] = await Promise.all([ui.signedIn(amira), ui.signedIn(bilel), ui.signedIn(chaima)]);
    const groupLink = (page: Page) => page.locator('a[data-group-link]');

    // Creating: a name and members picked from the directory; nothing picked is said next to the field.
    await a.getByRole('button', { name: 'New group' }).click();
    const dialog = a.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill('Procurement');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await dialog.locator('[data-error-for="members"]', { hasText: 'Pick at least one other person.' }).waitFor();
    await assertAccessible(a, 'groups-new-dialog');
    await shots(a, 'groups-new-dialog');
    // Keyboard: the checkbox is reached and ticked with the space bar.
    await dialog.getByLabel(new RegExp(`\\(${bilel.login}\\)`)).focus();
    await a.keyboard.press('Space');
    await dialog.getByLabel(new RegExp(`\\(${chaima.login}\\)`)).check();
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await a.waitForURL(/\/chat\?group=/);
    const id = new URL(a.url()).searchParams.get('group')!;
    const address = `group:${id}`;
    await a.locator('#conv-title', { hasText: 'Procurement' }).waitFor();
    await a.locator('.log-event', { hasText: 'You created the group “Procurement”' }).waitFor();
    await a.locator('[data-group-sub]', { hasText: '3 members' }).waitFor();

    // The others see it in their list, live, and open it.
    for (const page of [b, c]) {
      await groupLink(page).filter({ hasText: 'Procurement' }).click();
      await page.locator('#conv-title', { hasText: 'Procurement' }).waitFor();
      await page.locator('[data-log-loading]').waitFor({ state: 'hidden' });
    }

    await send(a, 'Hello team');
    await send(b, 'Hi from Bilel');
    await send(c, 'Chaima here');
    for (const page of [a, b, c]) for (const text of ['Hello team', 'Hi from Bilel', 'Chaima here']) await seesVerified(page, text);
    // Others' messages carry their sender's name.
    await bubbleOf(a, 'Hi from Bilel').locator('.msg-from', { hasText: 'Bilel Gharbi' }).waitFor();
    // The proof of a group message names the group and who was in it then.
    const [download] = await Promise.all([b.waitForEvent('download'), bubbleOf(b, 'Hello team').getByRole('button', { name: 'Save proof' }).click()]);
    const proof = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { signed: string; group?: { id: string; name: string; epoch: number; members: string[] } };
    assert.equal(JSON.parse(proof.signed).to, address);
    assert.deepEqual(proof.group, { id, name: 'Procurement', epoch: 1, members: [amira.login, bilel.login, chaima.login].sort() });

    // Seen by: both others have the group open, so Bilel's message is read by them.
    await b.locator('[data-seen-by] summary', { hasText: /Seen by (everyone \(2\)|2 of 2)/ }).waitFor();
    await b.locator('[data-seen-by] summary').click();
    await b.locator('[data-seen-by-list] li', { hasText: amira.login }).waitFor();

    // Unread: Chaima looks elsewhere while Bilel writes.
    await c.goto(`${ui.url}/chat`);
    await send(b, 'While Chaima is away');
    await seesVerified(b, 'While Chaima is away');
    const badge = c.locator(`[data-unread-for="${address}"]`);
    await badge.filter({ hasText: /^1$/ }).waitFor();
    await audit(c, 'groups-unread');
    await groupLink(c).filter({ hasText: 'Procurement' }).click();
    await seesVerified(c, 'While Chaima is away');
    await badge.waitFor({ state: 'hidden' });

    // Amira renames the group from the members dialog.
    await a.getByRole('button', { name: 'Members' }).click();
    const members = a.getByRole('dialog', { name: /Members of/ });
    await members.getByLabel('Group name').fill('Buyers');
    await members.getByRole('button', { name: 'Rename' }).click();
    await a.locator('.log-event', { hasText: 'You renamed the group to “Buyers”' }).waitFor();
    await b.locator('.log-event', { hasText: `${amira.login} renamed the group to “Buyers”` }).waitFor();
    await b.locator('#conv-title', { hasText: 'Buyers' }).waitFor();
    await assertAccessible(a, 'groups-members-dialog');
    await shots(a, 'groups-members-dialog');

    // Removes Chaima, after a confirmation.
    await members.getByRole('button', { name: `Remove ${chaima.login} from the group` }).click();
    const confirm = a.getByRole('dialog', { name: `Remove Chaima Jaziri?` });
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await a.locator('.log-event', { hasText: `You removed ${chaima.login}` }).waitFor();
    await c.locator('.log-event', { hasText: `${amira.login} removed you` }).waitFor();
    await c.getByText('You are no longer a member of this group.').first().waitFor();
    assert.equal(await c.getByLabel(/^Message to /).isDisabled(), true, 'read-only for a former member');
    await seesVerified(c, 'Hello team');

    // Makes Bilel an admin: he sees the line, and the admin's actions.
    await members.getByRole('button', { name: `Make admin: ${bilel.login}` }).click();
    await b.locator('.log-event', { hasText: 'You are now an admin' }).waitFor();
    await members.getByRole('button', { name: 'Close' }).click();
    await b.getByRole('button', { name: 'Members' }).click();
    await b.getByRole('dialog', { name: /Members of Buyers/ }).getByLabel('Add someone').waitFor();
    await b.getByRole('dialog', { name: /Members of Buyers/ }).getByRole('button', { name: 'Close' }).click();
    // Chaima, no longer a member, sees no admin action and no members button.
    assert.equal(await c.getByRole('button', { name: 'Members' }).isHidden(), true);

    // A message after the removal: Bilel reads it, Chaima never gets it.
    await send(a, 'After Chaima left');
    await seesVerified(b, 'After Chaima left');
    await seesVerified(a, 'After Chaima left');
    await c.waitForTimeout(1500);
    assert.equal(await bubbleOf(c, 'After Chaima left').count(), 0, 'a removed member receives nothing after the removal');
    // Reloaded, the former member still reads the history up to the removal, verified.
    await c.reload();
    await seesVerified(c, 'Chaima here');
    await c.getByText('You are no longer a member of this group.').first().waitFor();
    await c.locator('[data-group-sub]', { hasText: 'You are no longer a member' }).waitFor();

    await audit(b, 'groups-conversation');
    await shots(b, 'groups-conversation');
    await shots(c, 'groups-removed');

    // Anyone may leave, after a confirmation: Bilel then reads the group read-only.
    await b.getByRole('button', { name: 'Members' }).click();
    await b.getByRole('dialog', { name: /Members of Buyers/ }).getByRole('button', { name: 'Leave group' }).click();
    await b.getByRole('dialog', { name: 'Leave Buyers?' }).getByRole('button', { name: 'Leave group' }).click();
    await b.locator('.log-event', { hasText: 'You left' }).waitFor();
    await b.getByText('You are no longer a member of this group.').first().waitFor();
    await a.locator('.log-event', { hasText: `${bilel.login} left` }).waitFor();
    await a.locator('[data-group-sub]', { hasText: '1 member ·' }).waitFor();
  });
});
