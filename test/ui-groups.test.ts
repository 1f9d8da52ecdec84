// Group conversations (protocol §7) in a real browser (Debian's Chromium driven by playwright-core)
// against the real server, with three people in three browsers: Amira creates a group with Bilel
// and Chaima from the "New group" dialog; all three write, and every message is Verified on every
// page; the group with the newest message comes first in the list, live; a message arriving while
// the group is not open counts as unread in the chat list; Amira renames the group, removes Chaima
// (who sees the line, keeps the history read-only, in this browser and in a fresh one, and gets no
// later message) and makes Bilel an admin; Bilel sees who read his message ("Seen by"); the proof
// of a group message names the group and its members; Back leaves a group for the chat list.
// Change lines name people as the directory does. The server's refusal of a group too large is
// said next to the Members field. axe on the conversation and the dialogs; screenshots at 1280
// and 320 px into test-results/.
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
    // A second group, newer and still silent, is listed first until Procurement has messages.
    await a.evaluate(async (login) => {
      const res = await fetch('/api/v1/groups', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Logistics', members: [login] }) });
      if (!res.ok) throw new Error(`POST /api/v1/groups: ${res.status}`);
    }, bilel.login);
    await groupLink(a).first().filter({ hasText: 'Logistics' }).waitFor();

    // The others see it in their list, live, and open it.
    for (const page of [b, c]) {
      await groupLink(page).filter({ hasText: 'Procurement' }).click();
      await page.locator('#conv-title', { hasText: 'Procurement' }).waitFor();
      await page.locator('[data-log-loading]').waitFor({ state: 'hidden' });
      await page.locator('.log-event', { hasText: 'Amira Ben Salah created the group “Procurement”' }).waitFor();
    }

    await send(a, 'Hello team');
    await send(b, 'Hi from Bilel');
    await send(c, 'Chaima here');
    for (const page of [a, b, c]) for (const text of ['Hello team', 'Hi from Bilel', 'Chaima here']) await seesVerified(page, text);
    // The messages lifted Procurement above the silent Logistics, without a reload.
    await groupLink(a).first().filter({ hasText: 'Procurement' }).waitFor();
    assert.deepEqual(await a.locator('[data-group-item-name]').allTextContents(), ['Procurement', 'Logistics']);
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
    await b.locator('.log-event', { hasText: 'Amira Ben Salah renamed the group to “Buyers”' }).waitFor();
    await b.locator('#conv-title', { hasText: 'Buyers' }).waitFor();
    await assertAccessible(a, 'groups-members-dialog');
    await shots(a, 'groups-members-dialog');

    // Removes Chaima, after a confirmation.
    await members.getByRole('button', { name: `Remove ${chaima.login} from the group` }).click();
    const confirm = a.getByRole('dialog', { name: `Remove Chaima Jaziri?` });
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await a.locator('.log-event', { hasText: 'You removed Chaima Jaziri' }).waitFor();
    await c.locator('.log-event', { hasText: 'Amira Ben Salah removed you' }).waitFor();
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

    // Another browser of Chaima's, which never saw the group: the server still lists it as one she
    // was in, and gives its history up to her removal, against which its senders are checked.
    const c2 = await ui.signedIn(chaima);
    const former = groupLink(c2).filter({ hasText: 'Buyers' });
    await former.locator('[data-group-item-sub]', { hasText: 'No longer a member' }).waitFor();
    await former.click();
    await c2.waitForURL(/\/chat\?group=/);
    for (const text of ['Hello team', 'Hi from Bilel', 'Chaima here', 'While Chaima is away']) await seesVerified(c2, text);
    await c2.locator('.log-event', { hasText: 'Amira Ben Salah removed you' }).waitFor();
    await c2.getByText('You are no longer a member of this group.').first().waitFor();
    assert.equal(await c2.getByLabel(/^Message to /).isDisabled(), true, 'read-only on every device');
    assert.equal(await bubbleOf(c2, 'After Chaima left').count(), 0);
    await audit(c2, 'groups-former');
    // Back leaves the group for the chat list; Forward opens it again.
    await c2.goBack();
    await c2.waitForURL(/\/chat$/);
    await c2.getByRole('heading', { name: 'Pick someone to talk to' }).waitFor();
    assert.equal(await c2.locator('.group-conversation').count(), 0, 'the group is no longer shown');
    await c2.goForward();
    await c2.waitForURL(/\/chat\?group=/);
    await seesVerified(c2, 'Chaima here');

    // Anyone may leave, after a confirmation: Bilel then reads the group read-only.
    await b.getByRole('button', { name: 'Members' }).click();
    await b.getByRole('dialog', { name: /Members of Buyers/ }).getByRole('button', { name: 'Leave group' }).click();
    await b.getByRole('dialog', { name: 'Leave Buyers?' }).getByRole('button', { name: 'Leave group' }).click();
    await b.locator('.log-event', { hasText: 'You left' }).waitFor();
    await b.getByText('You are no longer a member of this group.').first().waitFor();
    await a.locator('.log-event', { hasText: 'Bilel Gharbi left' }).waitFor();
    await a.locator('[data-group-sub]', { hasText: '1 member ·' }).waitFor();
  });
});

describe('group size limit', { timeout: 120_000 }, () => {
  const ui = new Ui();
  before(() => ui.start({ args: ['--max-group-members', '2'] }));
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  it("the server's refusal of too many members is said next to the Members field", async () => {
    const [dora, emna, farah] = await Promise.all([ui.person('dora', 'Dora', 'Mansour'), ui.person('emna', 'Emna', 'Haddad'), ui.person('farah', 'Farah', 'Louati')]);
    const page = await ui.signedIn(dora);
    await page.getByRole('button', { name: 'New group' }).click();
    const dialog = page.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill('Too many');
    await dialog.getByLabel(new RegExp(`\\(${emna.login}\\)`)).check();
    await dialog.getByLabel(new RegExp(`\\(${farah.login}\\)`)).check();
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await dialog.locator('[data-error-for="members"]', { hasText: 'A group holds at most 2 members, you included: remove 1.' }).waitFor();
    // The field to fix has the focus, the dialog stays open, and nothing was created.
    assert.equal(await page.evaluate(() => document.activeElement?.closest('fieldset')?.querySelector('legend')?.textContent), 'Members');
    assert.equal(await dialog.isVisible(), true);
    assert.match(page.url(), /\/chat$/);
    assert.deepEqual(await page.evaluate(async () => (await fetch('/api/v1/groups')).json()), []);
    await assertAccessible(page, 'groups-too-many');
  });
});
