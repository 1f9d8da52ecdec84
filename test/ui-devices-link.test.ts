// Linking a new device (protocol §6) in real browsers (Debian's Chromium driven by playwright-core),
// each device its own browser context: the new one asks on /link with the password and shows a
// code; the one already logged in is prompted and approves by typing that code (a wrong one first),
// or refuses; the new one then logs in with a key it made itself, listed in My devices on both;
// revoking it from the old device logs it out. Expiry runs against a server built in this process
// (helpers/inprocess.ts), whose clock the test moves past the request's 10 minutes: the server
// has no switch for a shorter life, and sleeping 10 minutes is no test. axe-core checks the link
// page, the prompt and My devices; no page scrolls sideways at 320 px; screenshots at 320 and
// 1280 px go to test-results/.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { SHOTS, assertAccessible } from './helpers/browser.ts';
import { Ui, logIn, resize } from './helpers/ui.ts';
import { startInProcess } from './helpers/inprocess.ts';
import type { Person } from './helpers/person.ts';
import { LINK_TTL_MS } from '../src/auth/link-requests.ts';

const WIDTHS = [320, 1280] as const;

/**
 * axe-core on the page as it is, then at 320 and 1280 px: nothing wider than the window, and a
 * screenshot test-results/ui-NAME-WIDTH.png (of the window only with a modal dialog open: a
 * full-page picture would cut through it). The page ends at 1280 px.
 */
async function check(page: Page, name: string): Promise<void> {
  const fullPage = !(await page.locator('dialog[open]').count());
  await assertAccessible(page, name);
  for (const width of WIDTHS) {
    await resize(page, { width, height: 800 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `${name} scrolls sideways by ${wide} px at ${width} px`);
    if (width === 320) await assertAccessible(page, `${name} at 320 px`);
    await page.screenshot({ path: join(SHOTS, `ui-${name}-${width}.png`), fullPage, caret: 'initial' });
  }
}

/** The new device's /link form sent for `who`: answers the code it shows, once the key is made. */
async function askToLink(page: Page, url: string, who: Pick<Person, 'login' | 'password'>, deviceName: string): Promise<{ code: string; fingerprint: string }> {
  await page.goto(`${url}/link`);
  await page.getByLabel('Login').fill(who.login);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByLabel('Name of this device').fill(deviceName);
  await page.getByRole('button', { name: 'Link this device' }).click();
  // The key is made in the browser: slower than any page load on a busy machine.
  await page.getByRole('heading', { name: 'Type this code on a device where you are logged in' }).waitFor({ timeout: 60_000 });
  const code = (await page.locator('[data-link-code]').innerText()).replace(/\s/g, '');
  assert.match(code, /^[0-9]{6}$/);
  return { code, fingerprint: await page.locator('[data-link-fingerprint]').innerText() };
}

const promptOf = (page: Page): Locator => page.getByRole('dialog', { name: 'Link a new device?' });

describe('linking a new device in the web interface', { timeout: 300_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  it('the whole link: a wrong code, then the right one; the new device logs in, both list it, revoking it logs it out', async () => {
    const alice = await ui.person('alice', 'Alice', 'Martin');
    const laptop = await ui.signedIn(alice);
    await laptop.goto(`${ui.url}/certificate`);
    const laptopDevices = laptop.locator('[data-devices] > li');
    await laptopDevices.first().waitFor();
    assert.equal(await laptopDevices.count(), 1);
    await laptopDevices.filter({ hasText: 'This device' }).waitFor();

    // The new device finds the way from the login page, and its name is prefilled from the browser.
    const phone = await ui.page();
    await phone.goto(`${ui.url}/login`);
    await check(phone, 'login-with-link');
    await phone.getByRole('link', { name: 'Use TEKUP_chat on this device too' }).click();
    await phone.waitForURL(/\/link$/);
    assert.equal(await phone.getByLabel('Name of this device').inputValue(), 'Chrome on Linux');
    await check(phone, 'link');
    // Errors next to the fields, as on the other forms.
    await phone.getByLabel('Name of this device').fill('');
    await phone.getByRole('button', { name: 'Link this device' }).click();
    await phone.locator('[data-error-for="login"]', { hasText: /./ }).waitFor();
    await phone.locator('[data-error-for="deviceName"]', { hasText: 'Name this device' }).waitFor();

    const { code, fingerprint } = await askToLink(phone, ui.url, alice, 'Phone');
    // The hex SHA-256 of this browser's key in groups of four, as the server computed it from the CSR.
    assert.match(fingerprint, /^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    assert.match(await phone.locator('[data-link-countdown]').innerText(), /^(10:00|[0-9]:[0-5][0-9]) \(until .+\)$/);
    await check(phone, 'link-code');

    // The laptop is prompted at once, by its event stream.
    const prompt = promptOf(laptop);
    await prompt.waitFor();
    assert.equal(await prompt.locator('[data-request-name]').innerText(), 'Phone');
    assert.equal(await prompt.locator('[data-request-fingerprint]').innerText(), fingerprint);
    assert.match(await prompt.locator('[data-request-from]').innerText(), /^Chrome on Linux · 127\.0\.0\.1$/);
    const codeField = prompt.getByLabel('Code shown on the new device');
    assert.equal(await laptop.evaluate(() => document.activeElement?.id), 'f-linkCode', 'focus moved into the prompt');
    await check(laptop, 'link-prompt');

    // Put off with Escape: My devices keeps it, and Review brings the prompt back.
    await laptop.keyboard.press('Escape');
    await prompt.waitFor({ state: 'hidden' });
    const waiting = laptop.locator('[data-pending-list] > li', { hasText: 'Phone' });
    await waiting.getByRole('button', { name: 'Review the request of Phone' }).click();
    await prompt.waitFor();
    assert.equal(await laptop.evaluate(() => document.activeElement?.id), 'f-linkCode');

    const wrong = code === '000000' ? '111111' : '000000';
    await codeField.fill(wrong);
    await prompt.getByRole('button', { name: 'Approve' }).click();
    await prompt.locator('[data-error-for="linkCode"]', { hasText: 'This is not the code the new device shows; 4 tries are left.' }).waitFor();
    assert.equal(await codeField.getAttribute('aria-invalid'), 'true');
    await check(laptop, 'link-prompt-wrong-code');

    await codeField.fill(code);
    await prompt.getByRole('button', { name: 'Approve' }).click();
    await prompt.getByRole('status').filter({ hasText: 'Phone is linked.' }).waitFor();
    // My devices, open behind the prompt, lists the phone without a reload.
    await laptopDevices.filter({ hasText: 'Phone' }).waitFor();
    assert.equal(await laptopDevices.count(), 2);
    await prompt.getByRole('button', { name: 'Close' }).click();
    await prompt.waitFor({ state: 'hidden' });
    assert.equal(await laptop.locator('[data-pending-requests]').isHidden(), true);

    // The phone collects its certificate and logs in with its own key.
    await phone.waitForURL(/\/chat$/, { timeout: 30_000 });
    await phone.goto(`${ui.url}/certificate`);
    const phoneDevices = phone.locator('[data-devices] > li');
    await phoneDevices.first().waitFor();
    assert.equal(await phoneDevices.count(), 2);
    await phoneDevices.filter({ hasText: 'Phone' }).filter({ hasText: 'This device' }).waitFor();
    // Its own certificate is the one shown; the laptop's is beside it, not an earlier one.
    const phoneSerial = await phoneDevices.filter({ hasText: 'This device' }).getAttribute('data-device');
    assert.equal(await phone.locator('[data-cert-serial]').getAttribute('data-cert-serial'), phoneSerial);
    assert.equal(await phone.locator('details.history').count(), 0);
    await check(phone, 'my-devices');
    // Kept as registration keeps a key: encrypted with the password, beside its certificate.
    const kept = await phone.evaluate(async (login) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('tekup-chat');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      try {
        const record = await new Promise<{ backup: string; certificate: string } | undefined>((resolve, reject) => {
          const req = db.transaction('backups').objectStore('backups').get(login);
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        return record && { backup: record.backup.split('\n')[0], certificate: record.certificate.split('\n')[0] };
      } finally {
        db.close();
      }
    }, alice.login);
    assert.deepEqual(kept, { backup: '-----BEGIN ENCRYPTED PRIVATE KEY-----', certificate: '-----BEGIN CERTIFICATE-----' });
    // The security activity says what happened, in words.
    await laptop.reload();
    await laptop.locator('[data-activity="device_link_approved"]', { hasText: 'New device linked ("Phone")' }).waitFor();
    assert.equal(await laptop.locator('[data-cert-serial]').getAttribute('data-cert-serial'), alice.serial, 'the laptop still shows its own');

    // Revoked from the laptop: the phone's page is sent to the login at once.
    await laptop.locator('[data-devices] > li', { hasText: 'Phone' }).getByRole('button', { name: /^Revoke Phone, added / }).click();
    const confirm = laptop.getByRole('dialog', { name: 'Revoke “Phone”?' });
    await confirm.waitFor();
    await check(laptop, 'device-revoke');
    await confirm.getByRole('button', { name: 'Revoke device' }).click();
    await laptop.getByText('Phone is revoked and logged out.').waitFor();
    // The notice comes first; the list is fetched again after it (devices-changed): wait for that.
    await laptop.locator('[data-devices] > li', { hasText: 'Phone' }).waitFor({ state: 'detached' });
    assert.equal(await laptop.locator('[data-devices] > li').count(), 1);
    await phone.waitForURL(/\/login\?notice=session-ended$/, { timeout: 30_000 });
    await laptop.reload();
    await laptop.locator('[data-activity="certificate_revoked"]', { hasText: 'You revoked the device "Phone" (no longer used)' }).waitFor();
  });

  it('a request made while no page was open is asked on the next page; refused there, the new device is told and may start again', async () => {
    const bob = await ui.person('bob', 'Bob', 'Ben Salah');
    const phone = await ui.page();
    await askToLink(phone, ui.url, bob, 'Tablet');

    const laptop = await ui.signedIn(bob); // a page loaded after the request: GET /devices/requests
    const prompt = promptOf(laptop);
    await prompt.waitFor();
    assert.equal(await prompt.locator('[data-request-name]').innerText(), 'Tablet');
    await prompt.getByRole('button', { name: 'Refuse' }).click();
    await prompt.getByRole('status').filter({ hasText: 'Refused.' }).waitFor();
    await prompt.getByRole('button', { name: 'Close' }).click();

    await phone.getByRole('heading', { name: 'The request was refused' }).waitFor();
    assert.equal(await phone.evaluate(() => document.activeElement?.id), 'ended-title');
    await check(phone, 'link-refused');
    await phone.getByRole('button', { name: 'Start again' }).click();
    await phone.getByRole('button', { name: 'Link this device' }).waitFor();
    assert.equal(await phone.getByLabel('Login').inputValue(), bob.login);
  });

  it('a wrong password is refused on the link page, next to nothing but the form', async () => {
    const carol = await ui.person('carol', 'Carol', 'Dupont');
    const phone = await ui.page();
    await phone.goto(`${ui.url}/link`);
    await phone.getByLabel('Login').fill(carol.login);
    await phone.getByLabel('Password', { exact: true }).fill(`${carol.password}x`);
    await phone.getByRole('button', { name: 'Link this device' }).click();
    await phone.getByRole('alert').filter({ hasText: 'The login or the password is wrong.' }).waitFor({ timeout: 60_000 });
  });

  it('a request left 10 minutes expires: the new device says so, and the prompt cannot approve it any more', async () => {
    // The server built here, so its clock can be moved (helpers/inprocess.ts); the browsers keep theirs.
    const s = await startInProcess();
    const pages: Page[] = [];
    try {
      const dora = await ui.person('dora', 'Dora', 'Haddad', s.url);
      const laptop = await ui.signedIn(dora, { url: s.url });
      pages.push(laptop);
      const phone = await ui.page();
      pages.push(phone);
      const { code } = await askToLink(phone, s.url, dora, 'Old phone');
      const prompt = promptOf(laptop);
      await prompt.waitFor();

      s.clock.now = new Date(s.clock.now.getTime() + LINK_TTL_MS + 1000);
      await phone.getByRole('heading', { name: 'The request expired' }).waitFor();
      await prompt.getByLabel('Code shown on the new device').fill(code);
      await prompt.getByRole('button', { name: 'Approve' }).click();
      await prompt.getByRole('status').filter({ hasText: 'This request has expired' }).waitFor();
      await check(phone, 'link-expired');
    } finally {
      for (const p of pages) await p.context().close().catch(() => {}); // before their server goes
      await s.close();
    }
  });

  it('the key kept by linking opens at the next login, like a registered one', async () => {
    const erin = await ui.person('erin', 'Erin', 'Bouzid');
    const laptop = await ui.signedIn(erin);
    const phone = await ui.page();
    const { code } = await askToLink(phone, ui.url, erin, 'Work phone');
    const prompt = promptOf(laptop);
    await prompt.waitFor();
    await prompt.getByLabel('Code shown on the new device').fill(code);
    await prompt.getByRole('button', { name: 'Approve' }).click();
    await phone.waitForURL(/\/chat$/, { timeout: 30_000 });
    await phone.getByRole('button', { name: 'Log out' }).click();
    await phone.waitForURL(/\/login\?notice=logged-out$/);
    await logIn(phone, ui.url, erin);
  });
});
