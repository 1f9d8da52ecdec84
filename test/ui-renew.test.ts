// Renewing a certificate in a real browser (Debian's Chromium driven by playwright-core) against the
// real server: the dialog refuses a wrong password, the renewal gives a new serial and keeps the
// earlier certificate listed, the key backup then holds both keys, the other side is told the key
// changed until they acknowledge it, and messages signed before the renewal stay verified on both
// sides. axe-core checks every state; screenshots (desktop and phone) go to test-results/.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ui, audit, openChat, seesVerified, send } from './helpers/ui.ts';

describe('renewing a certificate in the web interface', { timeout: 240_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  it('renewal: a new serial, both keys in the backup, the other side told; old messages stay verified', async () => {
    const [alice, bob] = await Promise.all([ui.person('alice', 'Alice', 'Martin'), ui.person('bob', 'Bob', 'Ben Salah')]);
    const page = await ui.signedIn(alice);
    const bobPage = await ui.signedIn(bob);
    // A message signed with the certificate Alice is about to replace; Bob's browser sees (and
    // keeps) that certificate as he reads it.
    await openChat(bobPage, ui.url, alice);
    await openChat(page, ui.url, bob);
    await send(page, 'Hello Bob, this is Alice.');
    await seesVerified(page, 'Hello Bob, this is Alice.');
    await seesVerified(bobPage, 'Hello Bob, this is Alice.');

    await page.goto(`${ui.url}/certificate`);
    await page.locator('.cert-panel .chip', { hasText: 'Valid' }).waitFor();
    const serial = await page.locator('[data-cert-serial]').getAttribute('data-cert-serial');
    assert.match(serial ?? '', /^[0-9a-f]+$/);
    await page.getByRole('button', { name: 'Renew certificate' }).click();
    const dialog = page.getByRole('dialog', { name: 'Renew your certificate' });
    await dialog.waitFor();
    await audit(page, 'certificate-renew-dialog');
    await dialog.getByLabel('Password', { exact: true }).fill('wrong password here');
    await dialog.getByRole('button', { name: 'Renew now' }).click();
    await dialog.getByText('This is not your password.').waitFor();
    await dialog.getByLabel('Password', { exact: true }).fill(alice.password);
    await dialog.getByRole('button', { name: 'Renew now' }).click();
    await page.getByText('Your certificate was renewed.').waitFor();
    await page.locator(`[data-cert-serial]:not([data-cert-serial="${serial}"])`).waitFor();
    await page.getByText('Earlier certificates').waitFor();
    await audit(page, 'certificate-renewed');
    // The backup now carries the old key too, encrypted: it still opens the messages sealed for it.
    const [backup] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Key backup/ }).first().click()]);
    assert.equal(readFileSync((await backup.path())!, 'utf8').match(/BEGIN ENCRYPTED PRIVATE KEY/g)?.length, 2);

    // Bob's browser saw Alice's earlier certificate: it says her key changed, until he acknowledges it.
    await openChat(bobPage, ui.url, alice);
    const keyNotice = bobPage.getByRole('status').filter({ hasText: `${alice.firstName} ${alice.lastName} has a new certificate and key` });
    await keyNotice.waitFor();
    const shown = (await keyNotice.locator('.fingerprint').innerText()).replace(/\s/g, '');
    assert.match(shown, /^[0-9a-f]{64}$/);
    assert.equal(shown, await bobPage.locator('[data-peer-fingerprint]').getAttribute('data-peer-fingerprint'), 'the fingerprint of her current certificate');
    await audit(bobPage, 'chat-key-changed');
    await keyNotice.getByRole('button', { name: 'Got it' }).click();
    await keyNotice.waitFor({ state: 'hidden' });
    await openChat(bobPage, ui.url, alice);
    await bobPage.locator('[data-log-loading]').waitFor({ state: 'hidden' });
    assert.equal(await bobPage.locator('[data-key-notice]').isVisible(), false, 'acknowledged once, not said again');
    // Alice's earlier message was signed with the certificate she just replaced: still verified.
    await seesVerified(bobPage, 'Hello Bob, this is Alice.');
    await openChat(page, ui.url, bob);
    await send(page, 'New key, same me.');
    await seesVerified(bobPage, 'New key, same me.');
    await seesVerified(page, 'Hello Bob, this is Alice.');
    await audit(bobPage, 'chat-bob');
  });
});
