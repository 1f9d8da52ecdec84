// Messages between people with several devices (protocol §6, §7) in a real browser (Debian's
// Chromium driven by playwright-core) against the real server: the page sends version 2 envelopes
// wrapped for every current certificate of both people, so each of Bob's devices opens a message
// verified; a message from before a device was linked says so on that device, calmly, never
// green; the directory and the conversation's certificate popup show how many devices someone has
// and each one's fingerprint; a device linked between page load and sending is met by wrapping
// again after 409 recipients_changed, and a second refusal is said next to the message with Retry.
// Bob's second device is linked through the API (request, approval by code, collection), its key
// put into a browser of its own as the login page leaves one.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Ui, audit, openChat, resize, seesVerified, send } from './helpers/ui.ts';
import { apiSession, write, type Person } from './helpers/person.ts';
import { tempDir } from './helpers/server.ts';
import { postJson } from './helpers/users.ts';
import { assertAccessible } from './helpers/browser.ts';
import { generateKey } from '../src/client/keys.ts';
import { makeCsr } from '../src/client/csr.ts';
import { encryptPrivateKey } from '../src/client/backup.ts';
import { backupFileName, backupFileText } from '../src/client/ui/backup-file.ts';
import { x509 } from '../src/client/x509.ts';
import { groupedHex } from '../src/shared/format.ts';

const ELSEWHERE = 'Sent before this device was linked';

describe('chatting with someone who has several devices', { timeout: 420_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  /**
   * A second device of `who`, linked as §6 says: it asks with the password and its CSR, a session
   * of `who` approves with the code, and it collects its certificate with its secret. The same
   * person with this device's key and certificate, ready to be put into a browser.
   */
  async function linkDevice(who: Person, deviceName: string): Promise<Person> {
    const key = await generateKey();
    let pkcs8: string;
    let backup: string;
    try {
      pkcs8 = Buffer.from(key.pkcs8).toString('base64');
      backup = await encryptPrivateKey(key.pkcs8, who.password);
    } finally {
      key.forget();
    }
    const asked = await postJson(`${ui.url}/api/v1/devices/link`, { login: who.login, password: who.password, csr: await makeCsr(key, who.login), deviceName });
    assert.equal(asked.status, 202, JSON.stringify(asked.json));
    const { request, code, secret } = asked.json as { request: string; code: string; secret: string };
    const session = await apiSession(ui.url, who);
    const approved = await postJson(`${ui.url}/api/v1/devices/requests/${request}/approve`, { code }, { authorization: `Bearer ${session.token}` });
    assert.equal(approved.status, 201, JSON.stringify(approved.json));
    const issued = await fetch(`${ui.url}/api/v1/devices/link/${request}`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(issued.status, 200);
    const { certificate, serial } = (await issued.json()) as { certificate: string; serial: string };
    const backupFile = join(tempDir('tekup-ui-device-'), backupFileName(who.login));
    writeFileSync(backupFile, backupFileText(who.login, backup, certificate));
    return { ...who, key, pkcs8, backup, backupFile, certificate, serial };
  }

  const fingerprintOf = (who: Person) => createHash('sha256').update(new Uint8Array(new x509.X509Certificate(who.certificate).rawData)).digest('hex');

  /** No horizontal scroll at 320 px, then back to the desktop size. */
  async function fitsPhone(page: Page, name: string): Promise<void> {
    const size = page.viewportSize()!;
    await resize(page, { width: 320, height: 700 });
    const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    assert.ok(scroll <= inner, `${name}: ${scroll} px wide at ${inner} px`);
    await assertAccessible(page, `${name} at 320 px`);
    await resize(page, size);
  }

  it("each of Bob's devices opens the message verified; one from before his second device says so there", async () => {
    const [alice, bob] = await Promise.all([ui.person('alice', 'Alice', 'Martin'), ui.person('bob', 'Bob', 'Ben Salah')]);
    const alicePage = await ui.signedIn(alice);
    await openChat(alicePage, ui.url, bob);
    // Before Bob's tablet: one version 2 message from Alice's page, one version 1 from elsewhere.
    await send(alicePage, 'Before the tablet, from the page.');
    await seesVerified(alicePage, 'Before the tablet, from the page.');
    await write(ui.url, alice, bob, 'Before the tablet, version 1.');

    const tablet = await linkDevice(bob, 'Tablet');
    await alicePage.reload();
    await alicePage.locator('[data-log-loading]').waitFor({ state: 'hidden' });
    await send(alicePage, 'To both of your devices.');
    await seesVerified(alicePage, 'To both of your devices.');

    const phonePage = await ui.signedIn(bob);
    const tabletPage = await ui.signedIn(tablet);
    await openChat(phonePage, ui.url, alice);
    await openChat(tabletPage, ui.url, alice);
    for (const page of [phonePage, tabletPage]) await seesVerified(page, 'To both of your devices.');
    // The first device has the whole history.
    await seesVerified(phonePage, 'Before the tablet, from the page.');
    await seesVerified(phonePage, 'Before the tablet, version 1.');

    // On the tablet the two older ones say why they cannot be read: calmly, with nothing green.
    const older = tabletPage.locator('.msg.is-elsewhere');
    // Both rendered before counting: the log draws them one after the other (the count once read 1).
    await older.nth(1).waitFor();
    assert.equal(await older.count(), 2);
    for (let i = 0; i < 2; i++) {
      const m = older.nth(i);
      assert.ok((await m.innerText()).includes(ELSEWHERE));
      assert.match((await m.locator('.bubble').getAttribute('aria-label')) ?? '', /sent before this device was linked$/);
      assert.equal(await m.locator('.badge-ok, .msg-warning, .msg-text').count(), 0, 'neither verified, nor a warning, nor any text');
    }
    assert.equal(await tabletPage.locator('.msg.is-unverified').count(), 0);
    assert.equal(await tabletPage.locator('.msg.is-verified').count(), 1);

    // Live, on both devices at once; and the tablet's own message reaches the phone and Alice.
    await send(alicePage, 'Live, to the phone and the tablet.');
    await seesVerified(phonePage, 'Live, to the phone and the tablet.');
    await seesVerified(tabletPage, 'Live, to the phone and the tablet.');
    await send(tabletPage, 'Written on my tablet.');
    await seesVerified(tabletPage, 'Written on my tablet.');
    await seesVerified(alicePage, 'Written on my tablet.');
    await seesVerified(phonePage, 'Written on my tablet.');

    await audit(tabletPage, 'chat-second-device');
    await fitsPhone(tabletPage, 'chat on the second device');
  });

  it('the directory and the conversation show how many devices someone has, and each fingerprint', async () => {
    const [alice, bob] = await Promise.all([ui.person('alice', 'Alice', 'Martin'), ui.person('bob', 'Bob', 'Ben Salah')]);
    const tablet = await linkDevice(bob, 'Tablet');
    const page = await ui.signedIn(alice);

    await page.goto(`${ui.url}/directory`);
    const bobRow = page.locator(`#person-${bob.login}`);
    await bobRow.getByText('2 devices').waitFor();
    await page.locator(`#person-${alice.login}`).getByText('1 device', { exact: true }).waitFor();
    const shown = await bobRow.locator('.fingerprint').allInnerTexts();
    assert.deepEqual(shown.sort(), [groupedHex(fingerprintOf(bob)), groupedHex(fingerprintOf(tablet))].sort());
    await bobRow.getByText('Tablet').waitFor();
    await audit(page, 'directory-devices');
    await fitsPhone(page, 'directory with devices');

    await openChat(page, ui.url, bob);
    await page.locator('#conv-presence').getByText('2 devices').waitFor();
    await page.locator('.cert-pop summary').click();
    const popup = page.locator('.cert-pop-body');
    await popup.getByText(`Each message is encrypted for Bob's 2 devices`).waitFor();
    const inPopup = await popup.locator('[data-device-fps] .fingerprint').allInnerTexts();
    assert.deepEqual(inPopup.sort(), shown.sort());
    await popup.getByText('Tablet').waitFor();
    await assertAccessible(page, 'certificate popup with devices');
    await fitsPhone(page, 'certificate popup with devices');
  });

  it('a device linked between page load and sending: wrapped again after 409 recipients_changed, and sent', async () => {
    const [alice, bob] = await Promise.all([ui.person('alice', 'Alice', 'Martin'), ui.person('bob', 'Bob', 'Ben Salah')]);
    const alicePage = await ui.signedIn(alice);
    await openChat(alicePage, ui.url, bob);
    // Sent, so the page holds the certificates of the time: Alice's one and Bob's one.
    await send(alicePage, 'Only one device so far.');
    await seesVerified(alicePage, 'Only one device so far.');

    const answers: number[] = [];
    alicePage.on('response', (r) => {
      if (r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/messages') answers.push(r.status());
    });
    const tablet = await linkDevice(bob, 'Tablet');
    await send(alicePage, 'After the tablet was linked.');
    await seesVerified(alicePage, 'After the tablet was linked.');
    assert.deepEqual(answers, [409, 201]);

    const tabletPage = await ui.signedIn(tablet);
    await openChat(tabletPage, ui.url, alice);
    await seesVerified(tabletPage, 'After the tablet was linked.');
    await tabletPage.locator('.msg.is-elsewhere').getByText(ELSEWHERE).waitFor();
    assert.equal(await tabletPage.locator('.msg.is-elsewhere').count(), 1);
  });

  it('refused again after wrapping again: said next to the message, with Retry that sends it', async () => {
    const [alice, bob] = await Promise.all([ui.person('alice', 'Alice', 'Martin'), ui.person('bob', 'Bob', 'Ben Salah')]);
    const alicePage = await ui.signedIn(alice);
    await openChat(alicePage, ui.url, bob);
    // The server's answer while devices keep changing, twice in a row.
    let refusals = 0;
    await alicePage.route('**/api/v1/messages', async (route) => {
      if (route.request().method() !== 'POST' || refusals >= 2) return route.fallback();
      refusals++;
      await route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: 'recipients_changed', message: 'The recipients changed.', expected: [] }) });
    });
    await send(alicePage, 'Devices keep changing.');
    const failed = alicePage.locator('.msg.is-failed');
    await failed.getByText(/Not sent: .*devices, or yours, changed again/).waitFor();
    assert.equal(refusals, 2);
    assert.equal(await failed.locator('.badge-ok').count(), 0);
    await assertAccessible(alicePage, 'message refused twice');
    await failed.getByRole('button', { name: 'Retry' }).click();
    await seesVerified(alicePage, 'Devices keep changing.');
    assert.equal(await alicePage.locator('.msg.is-failed').count(), 0);
  });
});
