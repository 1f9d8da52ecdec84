// The web interface in a real browser (Debian's Chromium driven by playwright-core) against the
// real server: two people register through the pages, log in, see each other online, write both
// ways with verified messages, one goes offline and finds the message on return, a backup file
// opens the account in another browser, a pirate certificate is refused with its own message,
// and the certificate page renews. axe-core checks every page; screenshots (desktop and phone)
// go to test-results/ for a human to look at.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SHOTS, assertAccessible, launchChromium } from './helpers/browser.ts';
import { startServer, tempDir, type Running } from './helpers/server.ts';
import { openssl } from './helpers/openssl.ts';
import { uniqueUser } from './helpers/users.ts';
import { send as sendEnvelope, webUser } from './helpers/webuser.ts';
import { sealPlaintext, signObject } from '../src/client/envelope.ts';
import { importPublicKeys } from '../src/client/keys.ts';
import { jcs } from '../src/client/jcs.ts';
import { x509 } from '../src/client/x509.ts';

const DESKTOP = { width: 1280, height: 820 };
const PHONE = { width: 375, height: 760 };

interface Person {
  login: string;
  password: string;
  firstName: string;
  lastName: string;
  cardNumber: string;
  email: string;
  context: BrowserContext;
  page: Page;
  backupFile?: string;
}

describe('web interface', { timeout: 180_000 }, () => {
  let server: Running;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  const problems: string[] = [];
  let phase = '';
  const downloads = tempDir('tekup-ui-downloads-');

  async function newPage(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => problems.push(`page error on ${new URL(page.url()).pathname}: ${e.message}`));
    page.on('console', (m) => {
      // Refusals the pages expect (401, 403, 409…) and loads while offline on purpose are logged by
      // the browser as failed loads; they are not faults.
      const offlineOnPurpose = phase.includes('cannot be sent') && /ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(m.text());
      if (m.type() === 'error' && !offlineOnPurpose && !/server responded with a status of 4\d\d/.test(m.text())) problems.push(`console on ${new URL(page.url()).pathname} [${phase}]: ${m.text()}`);
    });
    return page;
  }

  async function person(prefix: string, firstName: string, lastName: string): Promise<Person> {
    const u = uniqueUser(prefix);
    const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
    return { ...u, firstName, lastName, context, page: await newPage(context) };
  }

  // Screenshots keep the caret as it is: hiding it makes playwright write style="" on inputs,
  // which the page's CSP then reports when htmx copies the attribute.
  /** axe-core on the page as it is: no serious or critical violation; then desktop and phone screenshots. */
  async function audit(page: Page, name: string): Promise<void> {
    phase += ` audit ${name}`;
    await assertAccessible(page, name);
    phase += ' shots';
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `ui-${name}-desktop.png`), fullPage: true, caret: 'initial' });
    const size = page.viewportSize() ?? DESKTOP;
    await page.setViewportSize(PHONE);
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(SHOTS, `ui-${name}-phone.png`), fullPage: true, caret: 'initial' });
    await page.setViewportSize(size);
  }

  async function register(p: Person): Promise<void> {
    const { page } = p;
    await page.goto(`${server.url}/register`);
    await page.getByLabel('First name').fill(p.firstName);
    await page.getByLabel('Last name').fill(p.lastName);
    await page.getByLabel('Identity card number').fill(p.cardNumber);
    await page.getByLabel('Email address').fill(p.email);
    await page.getByLabel('Login', { exact: true }).fill(p.login);
    await page.getByLabel('Password', { exact: true }).fill(p.password);
    await page.getByLabel('Repeat the password').fill(p.password);
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByRole('heading', { name: `Welcome, ${p.firstName}` }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download key backup' }).click()]);
    p.backupFile = join(downloads, download.suggestedFilename());
    await download.saveAs(p.backupFile);
  }

  async function continueToChat(p: Person): Promise<void> {
    await p.page.getByRole('button', { name: 'Continue to TEKUP_chat' }).click();
    await p.page.waitForURL(/\/chat$/);
  }

  async function logIn(p: Person, page: Page = p.page): Promise<void> {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Login').fill(p.login);
    await page.getByText(`Your key for @${p.login} is stored in this browser`).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(p.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/chat$/);
  }

  async function openChat(p: Person, other: Person): Promise<void> {
    await p.page.goto(`${server.url}/chat?with=${other.login}`);
    await p.page.locator('[data-log-loading]').waitFor({ state: 'hidden' });
  }

  async function send(p: Person, text: string): Promise<void> {
    const box = p.page.getByLabel(/^Message to /);
    await box.fill(text);
    await box.press('Enter');
  }

  /**
   * The message whose text is exactly `text`. Matching the whole bubble's text would also take the
   * time after it: "Numbered message 3" then "10:09" reads "Numbered message 310:09".
   */
  const bubbleOf = (page: Page, text: string) =>
    page.locator('.msg', { has: page.locator('.msg-text', { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });

  /** The bubble with `text`, which must carry the Verified badge. */
  async function seesVerified(p: Person, text: string): Promise<void> {
    const bubble = bubbleOf(p.page, text);
    await bubble.locator('.badge-ok', { hasText: 'Verified' }).waitFor();
  }

  beforeEach((t) => {
    phase = t.name;
  });

  before(async () => {
    server = await startServer();
    // playwright gives every launch a fresh temporary profile (it refuses --user-data-dir here).
    browser = await launchChromium();
    alice = await person('alice', 'Alice', 'Martin');
    bob = await person('bob', 'Bob', 'Ben Salah');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('registration: rules as hints, errors next to each field as you type and on submit', async () => {
    const { page } = alice;
    await page.goto(`${server.url}/register`);
    await audit(page, 'register');
    const card = page.getByLabel('Identity card number');
    await card.fill('1234');
    await card.blur();
    await page.getByText('The card number is exactly 8 digits.').waitFor();
    assert.equal(await card.getAttribute('aria-invalid'), 'true');
    assert.match((await card.getAttribute('aria-describedby')) ?? '', /f-cardNumber-error/);
    await card.fill(alice.cardNumber); // corrected as you type
    await page.getByText('The card number is exactly 8 digits.').waitFor({ state: 'detached' });
    assert.equal(await card.getAttribute('aria-invalid'), null);

    await page.getByRole('button', { name: 'Create my account' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    assert.match(await summary.innerText(), /Enter your first name/);
    assert.match(await summary.innerText(), /Choose a password/);
    await page.getByLabel('Password', { exact: true }).fill('password1234');
    await page.getByLabel('Password', { exact: true }).blur();
    await page.locator('[data-error-for="password"]', { hasText: 'This password is too common' }).waitFor();
    await audit(page, 'register-errors');
  });

  it('registers two people through the pages; the key backup downloads; both land in the chat', async () => {
    await register(alice);
    await audit(alice.page, 'register-done');
    assert.match(readFileSync(alice.backupFile!, 'utf8'), /-----BEGIN ENCRYPTED PRIVATE KEY-----[\s\S]+-----BEGIN CERTIFICATE-----/);
    await continueToChat(alice);
    await register(bob);
    await continueToChat(bob);
    // A taken login is refused next to the login field.
    const page = await newPage(alice.context);
    await page.goto(`${server.url}/register`);
    await page.getByLabel('First name').fill('Carol');
    await page.getByLabel('Last name').fill('Dupont');
    await page.getByLabel('Identity card number').fill(uniqueUser('carol').cardNumber);
    await page.getByLabel('Email address').fill('carol@example.org');
    await page.getByLabel('Login', { exact: true }).fill(bob.login);
    await page.getByLabel('Password', { exact: true }).fill('carol has a long passphrase');
    await page.getByLabel('Repeat the password').fill('carol has a long passphrase');
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.locator('[data-error-for="login"]', { hasText: 'This login is already taken' }).waitFor();
    await page.close();
  });

  it('the directory lists both, online first, with fingerprints, and live presence', async () => {
    const { page } = alice;
    await page.goto(`${server.url}/directory`);
    const bobRow = page.locator(`#person-${bob.login}`);
    await bobRow.getByText('Online').waitFor();
    assert.match(await bobRow.locator('.fingerprint').innerText(), /^[0-9a-f]{4}( [0-9a-f]{4}){15}$/);
    await audit(page, 'directory');
  });

  it('messages go both ways, each shown as verified, live', async () => {
    await openChat(alice, bob);
    await openChat(bob, alice);
    await send(alice, 'Hello Bob, this is Alice.');
    await seesVerified(alice, 'Hello Bob, this is Alice.');
    await seesVerified(bob, 'Hello Bob, this is Alice.');
    await send(bob, 'Hi Alice! Got it, signed and sealed.');
    await seesVerified(bob, 'Hi Alice! Got it, signed and sealed.');
    await seesVerified(alice, 'Hi Alice! Got it, signed and sealed.');
    await audit(alice.page, 'chat');
  });

  it('a received message saves as a proof that openssl alone verifies (non-repudiation)', async () => {
    const bubble = bob.page.locator('.msg', { hasText: 'Hello Bob, this is Alice.' });
    const [download] = await Promise.all([bob.page.waitForEvent('download'), bubble.getByRole('button', { name: 'Save proof' }).click()]);
    assert.match(download.suggestedFilename(), new RegExp(`^proof-${alice.login}-.*\\.json$`));
    const bundle = JSON.parse(readFileSync(await download.path(), 'utf8'));
    const signed = JSON.parse(bundle.signed);
    assert.equal(signed.text, 'Hello Bob, this is Alice.');
    assert.equal(signed.from, alice.login);
    assert.equal(signed.to, bob.login);
    // The third party's check, as docs/client-crypto.md gives it: no TEKUP_chat code involved.
    const dir = tempDir('tekup-ui-proof-');
    const f = (n: string) => join(dir, n);
    writeFileSync(f('message.json'), bundle.signed);
    writeFileSync(f('message.sig'), Buffer.from(bundle.signature, 'base64'));
    writeFileSync(f('sender.pem'), bundle.certificate);
    writeFileSync(f('chain.pem'), bundle.chain);
    writeFileSync(f('root.pem'), await (await fetch(`${server.url}/ca/root.pem`)).text());
    assert.match(openssl(['verify', '-CAfile', f('root.pem'), '-untrusted', f('chain.pem'), f('sender.pem')]), /: OK/);
    openssl(['x509', '-in', f('sender.pem'), '-pubkey', '-noout', '-out', f('sender.pub')]);
    const out = openssl(['dgst', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-verify', f('sender.pub'), '-signature', f('message.sig'), f('message.json')]);
    assert.match(out, /Verified OK/);
    // Sent messages carry no proof button: a proof is what the recipient keeps.
    assert.equal(await alice.page.locator('.msg.is-mine .msg-proof').count(), 0);
  });

  it('someone offline receives on return, with an unread count', async () => {
    await bob.page.getByRole('button', { name: 'Log out' }).click();
    await bob.page.waitForURL(/\/login\?notice=logged-out/);
    await alice.page.locator('#conv-presence').getByText('Online').waitFor({ state: 'detached' });
    // The conversation list is re-rendered by htmx on the presence event: Bob is now "last seen".
    await alice.page.locator(`#conv-${bob.login}`).getByText(/Last seen/).waitFor();
    await send(alice, 'Are you there? Read this when you are back.');
    await seesVerified(alice, 'Are you there? Read this when you are back.');
    await alice.page.locator('.msg', { hasText: 'Are you there?' }).getByText('Sent').waitFor();

    await logIn(bob);
    const badge = bob.page.locator(`[data-unread-for="${alice.login}"]`);
    await badge.filter({ hasText: '1' }).waitFor();
    await bob.page.getByRole('link', { name: /Alice Martin/ }).click();
    await seesVerified(bob, 'Are you there? Read this when you are back.');
    await seesVerified(bob, 'Hello Bob, this is Alice.');
    await badge.waitFor({ state: 'hidden' });

    // A read receipt: on Alice's page "Sent" gives way to "Seen", on her newest message only,
    // live, and again on a page opened afterwards.
    const asked = alice.page.locator('.msg', { hasText: 'Are you there?' });
    await asked.locator('[data-seen]').getByText('Seen').waitFor();
    assert.equal(await asked.getByText('Sent', { exact: true }).count(), 0);
    assert.equal(await alice.page.locator('[data-seen]').count(), 1);
    await alice.page.reload();
    await seesVerified(alice, 'Are you there? Read this when you are back.');
    await asked.locator('[data-seen]').waitFor();
    assert.equal(await alice.page.locator('[data-seen]').count(), 1);
    await audit(alice.page, 'chat-seen');
  });

  it('the key backup file opens the account in another browser', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await newPage(context);
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Login').fill(bob.login);
    await page.getByText(`No key for @${bob.login} is stored in this browser`).waitFor();
    await page.getByLabel('Password', { exact: true }).fill('not the password at all');
    await page.getByLabel('Key backup file').setInputFiles(bob.backupFile!);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('[data-error-for="backup"]', { hasText: 'Your password does not open this backup file.' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(bob.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/chat$/);
    await page.goto(`${server.url}/chat?with=${alice.login}`);
    await page.locator('.msg', { hasText: 'Hi Alice!' }).locator('.badge-ok').waitFor();
    await context.close();
  });

  it('a pirate certificate (self-signed, same subject) is refused: not issued by TEKUP_chat', async () => {
    const dir = tempDir('tekup-pirate-');
    const keyFile = join(dir, 'pirate.key');
    const certFile = join(dir, 'pirate.pem');
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', `/UID=${alice.login}/CN=Alice Martin/O=TEKUP_chat`]);
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await newPage(context);
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Login').fill(alice.login);
    await page.getByLabel('Password', { exact: true }).fill(alice.password);
    await page.getByText(`No key for @${alice.login} is stored in this browser`).waitFor();
    await page.getByLabel('Key backup file').setInputFiles(keyFile);
    await page.getByLabel('Certificate').setInputFiles(certFile);
    await page.getByRole('button', { name: 'Log in' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'This certificate was not issued by TEKUP_chat.' });
    await refusal.waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    await audit(page, 'login-pirate');
    await context.close();
  });

  it('a wrong password is refused in plain words', async () => {
    const page = await newPage(alice.context);
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Login').fill(alice.login);
    await page.getByText(`Your key for @${alice.login} is stored in this browser`).waitFor();
    await page.getByLabel('Password', { exact: true }).fill('certainly not it');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The login or the password is wrong.' }).waitFor();
    await audit(page, 'login');
    await page.close();
  });

  it('my certificate: status, serial, fingerprint, downloads; renewal keeps old messages verified', async () => {
    await logIn(alice);
    const { page } = alice;
    // The pirate's attempt since Alice's last login is said on every page of this session.
    const notice = page.locator('[data-login-notice]');
    await notice.getByText(/^Since your last login \(.*Chrome on Linux, 127\.0\.0\.1\), 1 login attempt under your name was refused\.$/).waitFor();
    await page.goto(`${server.url}/certificate`);
    await notice.waitFor();
    await page.locator('.cert-panel .chip', { hasText: 'Valid' }).waitFor();
    const serial = await page.locator('[data-cert-serial]').getAttribute('data-cert-serial');
    assert.match(serial ?? '', /^[0-9a-f]+$/);
    // The pirate's attempt just before is in the activity, under the login that followed it. (The
    // wrong password never reached the server: it did not open the key kept in the browser.)
    const activity = page.locator('[data-activity-list] > li');
    const rows = await activity.evaluateAll((lis) => lis.slice(0, 2).map((li) => li.querySelector('.activity-text')?.textContent ?? ''));
    assert.deepEqual(rows, ['Logged in', 'Login refused: a certificate TEKUP_chat did not issue']);
    assert.match(await activity.first().innerText(), /Chrome on Linux · 127\.0\.0\.1 · just now/);
    await audit(page, 'certificate');
    // Dismissed, it stays gone for this session.
    await notice.getByRole('button', { name: 'Dismiss this notice' }).click();
    await notice.waitFor({ state: 'hidden' });
    await page.reload();
    await page.locator('.cert-panel .chip', { hasText: 'Valid' }).waitFor();
    assert.equal(await notice.isVisible(), false);
    const [pem] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /My certificate PEM/ }).click()]);
    assert.match(readFileSync((await pem.path())!, 'utf8'), /BEGIN CERTIFICATE/);

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
    await openChat(bob, alice);
    const keyNotice = bob.page.getByRole('status').filter({ hasText: `${alice.firstName} ${alice.lastName} has a new certificate and key` });
    await keyNotice.waitFor();
    const shown = (await keyNotice.locator('.fingerprint').innerText()).replace(/\s/g, '');
    assert.match(shown, /^[0-9a-f]{64}$/);
    assert.equal(shown, await bob.page.locator('[data-peer-fingerprint]').getAttribute('data-peer-fingerprint'), 'the fingerprint of her current certificate');
    await audit(bob.page, 'chat-key-changed');
    await keyNotice.getByRole('button', { name: 'Got it' }).click();
    await keyNotice.waitFor({ state: 'hidden' });
    await openChat(bob, alice);
    await bob.page.locator('[data-log-loading]').waitFor({ state: 'hidden' });
    assert.equal(await bob.page.locator('[data-key-notice]').isVisible(), false, 'acknowledged once, not said again');
    // Alice's earlier message was signed with the certificate she just replaced: still verified.
    await seesVerified(bob, 'Hello Bob, this is Alice.');
    await openChat(alice, bob);
    await send(alice, 'New key, same me.');
    await seesVerified(bob, 'New key, same me.');
    await seesVerified(alice, 'Hello Bob, this is Alice.');
    await audit(bob.page, 'chat-bob');
  });

  it('changing the password: errors next to the fields, then the key in this browser opens with the new one only', async () => {
    const { page } = alice;
    // A second browser of Alice's, which keeps her key under the password she has now.
    await page.goto(`${server.url}/certificate`);
    const [backup] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Key backup/ }).first().click()]);
    const backupFile = join(downloads, `alice-second-${Date.now()}.pem`);
    await backup.saveAs(backupFile);
    const second = await newPage(await browser.newContext({ viewport: DESKTOP }));
    await second.goto(`${server.url}/login`);
    await second.getByLabel('Login').fill(alice.login);
    await second.getByText(`No key for @${alice.login} is stored in this browser`).waitFor();
    await second.getByLabel('Password', { exact: true }).fill(alice.password);
    await second.getByLabel('Key backup file').setInputFiles(backupFile);
    await second.getByRole('button', { name: 'Log in' }).click();
    await second.waitForURL(/\/chat$/);
    await second.getByRole('button', { name: 'Log out' }).click();
    await second.waitForURL(/\/login/);

    await page.goto(`${server.url}/certificate`);
    assert.ok((await page.locator('[data-sessions] > li').count()) >= 2, 'sessions from earlier logins are still open');
    await page.getByRole('button', { name: 'Change password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change your password' });
    await dialog.waitFor();
    const next = `${alice.password} and then some`;
    await dialog.getByLabel('Current password', { exact: true }).fill('not my password at all');
    await dialog.getByLabel('New password', { exact: true }).fill(next);
    await dialog.getByLabel('New password again').fill(`${next}!`);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText('The two passwords are not the same.').waitFor();
    await audit(page, 'certificate-password-dialog');
    await dialog.getByLabel('New password again').fill(next);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText('This is not your password: it does not open the key kept in this browser.').waitFor();
    assert.equal(await dialog.getByLabel('Current password', { exact: true }).getAttribute('aria-invalid'), 'true');
    await dialog.getByLabel('Current password', { exact: true }).fill(alice.password);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password was changed.').waitFor();
    assert.equal(await dialog.isVisible(), false);
    assert.equal(await page.locator('[data-sessions] > li').count(), 1, 'the other sessions are gone from the list');

    // The old password opens nothing any more, here or at the server; the new one does both.
    const old = alice.password;
    alice.password = next;
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Login').fill(alice.login);
    await page.getByText(`Your key for @${alice.login} is stored in this browser`).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(old);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('[data-refusal]:not([hidden]), .field-error:not(:empty)').first().waitFor();
    assert.match(page.url(), /\/login/);
    await logIn(alice);
    await openChat(alice, bob); // where the tests below expect her

    // The second browser still keeps her key under the old password: the new one is refused
    // there with a way out, the previous password opens the key, and from then on the new one does.
    await second.goto(`${server.url}/login`);
    await second.getByLabel('Login').fill(alice.login);
    await second.getByText(`Your key for @${alice.login} is stored in this browser`).waitFor();
    await second.getByLabel('Password', { exact: true }).fill(next);
    await second.getByRole('button', { name: 'Log in' }).click();
    await second.getByText('If you changed your password on another device').waitFor();
    await audit(second, 'login-previous-password');
    await second.getByLabel('Previous password').fill('not that one either');
    await second.getByRole('button', { name: 'Log in' }).click();
    await second.locator('[data-error-for="keyPassword"]', { hasText: 'does not open the key kept in this browser either' }).waitFor();
    await second.getByLabel('Previous password').fill(old);
    await second.getByRole('button', { name: 'Log in' }).click();
    await second.waitForURL(/\/chat$/);
    await second.getByRole('button', { name: 'Log out' }).click();
    await second.waitForURL(/\/login/);
    await logIn(alice, second); // alice.password is the new one now
    await second.context().close();

    // A backup file saved before the change opens the same way, in a browser that had nothing.
    const third = await newPage(await browser.newContext({ viewport: DESKTOP }));
    await third.goto(`${server.url}/login`);
    await third.getByLabel('Login').fill(alice.login);
    await third.getByText(`No key for @${alice.login} is stored in this browser`).waitFor();
    await third.getByLabel('Password', { exact: true }).fill(next);
    await third.getByLabel('Key backup file').setInputFiles(backupFile);
    await third.getByRole('button', { name: 'Log in' }).click();
    await third.locator('[data-error-for="backup"]', { hasText: 'If you saved it before changing your password' }).waitFor();
    await third.getByLabel('Previous password').fill(old);
    await third.getByRole('button', { name: 'Log in' }).click();
    await third.waitForURL(/\/chat$/);
    await third.getByRole('button', { name: 'Log out' }).click();
    await third.waitForURL(/\/login/);
    await logIn(alice, third); // alice.password is the new one now
    await third.context().close();
  });

  it('the chat is usable on a phone: list, then conversation', async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await newPage(context);
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Login').fill(bob.login);
    await page.getByText(`No key for @${bob.login} is stored in this browser`).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(bob.password);
    await page.getByLabel('Key backup file').setInputFiles(bob.backupFile!);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/chat$/);
    await page.screenshot({ path: join(SHOTS, 'ui-chat-list-phone.png'), caret: 'initial' });
    await page.getByRole('link', { name: /Alice Martin/ }).click();
    await page.locator('.msg', { hasText: 'New key, same me.' }).locator('.badge-ok').waitFor();
    assert.equal(await page.locator('.convs').isVisible(), false, 'the list gives way to the conversation');
    await page.screenshot({ path: join(SHOTS, 'ui-chat-conversation-phone.png'), caret: 'initial' });
    await page.getByRole('link', { name: 'Back to all chats' }).click();
    await page.locator('.convs').waitFor();
    await context.close();
  });

  it('where you are logged in: the phone is listed beside this browser, and logging it out from here ends it', async () => {
    const { page } = bob;
    await page.goto(`${server.url}/certificate`);
    const rows = page.locator('[data-sessions] > li');
    assert.ok((await rows.count()) >= 2, 'this browser and the phone');
    const here = rows.filter({ hasText: 'This browser' });
    assert.equal(await here.count(), 1);
    assert.match(await here.innerText(), /Chrome on Linux/);
    await audit(page, 'certificate-sessions');
    const before = await rows.count();
    const [first] = await page.getByRole('button', { name: /^Log out .+, logged in / }).all();
    await first.click();
    await page.getByText('That session is logged out.').waitFor();
    assert.equal(await rows.count(), before - 1);
    await page.reload();
    assert.equal(await page.locator('[data-sessions] > li').count(), before - 1, 'gone for the server too');
  });

  it('read receipts are turned off and on again from My certificate, and the choice is kept', async () => {
    const { page } = alice;
    await page.goto(`${server.url}/certificate`);
    const box = page.getByRole('checkbox', { name: /Read receipts/ });
    assert.equal(await box.isChecked(), true);
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/account/read-receipts') && r.request().method() === 'PUT');
    await box.uncheck();
    assert.equal((await saved).status(), 200);
    await page.reload();
    assert.equal(await page.getByRole('checkbox', { name: /Read receipts/ }).isChecked(), false);
    const again = page.waitForResponse((r) => r.url().endsWith('/api/v1/account/read-receipts') && r.request().method() === 'PUT');
    await page.getByRole('checkbox', { name: /Read receipts/ }).check();
    assert.equal((await again).status(), 200);
    await page.reload();
    assert.equal(await page.getByRole('checkbox', { name: /Read receipts/ }).isChecked(), true);
    await openChat(alice, bob); // where the next tests expect Alice
  });

  it('works with the keyboard alone: skip link, conversation list, Enter to send', async () => {
    const { page } = bob;
    await page.goto(`${server.url}/chat`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    // Tab through to the conversation with Alice, open it, type, send.
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.getAttribute('data-conv'))) !== alice.login; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/chat\\?with=${alice.login}$`));
    await page.waitForFunction(() => document.activeElement?.id === 'compose');
    await page.keyboard.type('Typed without a mouse.');
    await page.keyboard.press('Enter');
    await seesVerified(bob, 'Typed without a mouse.');
    await seesVerified(alice, 'Typed without a mouse.');
  });

  it('a message that cannot be sent yet (offline) waits, and goes by itself when the connection returns', async () => {
    await alice.context.setOffline(true);
    await send(alice, 'Sent from a tunnel.');
    const bubble = alice.page.locator('.msg', { hasText: 'Sent from a tunnel.' });
    await bubble.getByText('Waiting for connection').waitFor();
    await alice.page.locator('[data-connection]', { hasText: 'You are offline' }).waitFor();
    await audit(alice.page, 'chat-not-sent');
    await alice.context.setOffline(false);
    await seesVerified(alice, 'Sent from a tunnel.');
    await seesVerified(bob, 'Sent from a tunnel.');
    await alice.page.locator('[data-connection]').waitFor({ state: 'hidden' });
  });

  it('history comes in pages: the newest first, earlier ones on demand', async () => {
    const { page } = alice;
    const box = page.getByLabel(/^Message to /);
    for (let i = 1; i <= 31; i++) {
      await box.fill(`Numbered message ${i}`);
      await box.press('Enter');
    }
    await bubbleOf(page, 'Numbered message 31').locator('.badge-ok').waitFor();
    await openChat(bob, alice);
    await seesVerified(bob, 'Numbered message 31');
    assert.equal(await bob.page.locator('.msg', { hasText: 'Hello Bob, this is Alice.' }).count(), 0, 'older messages wait for their page');
    await bob.page.getByRole('button', { name: 'Load earlier messages' }).click();
    await seesVerified(bob, 'Hello Bob, this is Alice.');
    await bob.page.getByRole('button', { name: 'Load earlier messages' }).waitFor({ state: 'hidden' });
    await audit(bob.page, 'chat-history');
  });

  it('a message whose checks fail is a warning that names the failed check, never shown as text', async () => {
    // Mallory holds a real certificate and signs both layers, but her plaintext names another
    // recipient than the envelope: a signed message lifted into a new envelope. The server cannot
    // see inside and relays it; Bob's browser must refuse to show it.
    const mallory = await webUser(server.url, 'mallory');
    const header = { id: crypto.randomUUID(), from: mallory.login, to: bob.login, sentAt: new Date().toISOString(), cert: mallory.serial };
    const inner = { v: 1 as const, id: header.id, from: mallory.login, to: alice.login, sentAt: header.sentAt, text: 'Meant for someone else' };
    const plaintext = { ...inner, sig: await signObject(inner, mallory.key.privateKeys.sign) };
    const bobKeys = await importPublicKeys(new x509.X509Certificate(readFileSync(bob.backupFile!, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0]));
    const envelope = await sealPlaintext(new TextEncoder().encode(jcs(plaintext)), header, {
      signKey: mallory.key.privateKeys.sign,
      recipientPublicKey: bobKeys.encrypt,
      senderPublicKey: mallory.key.publicKeys.encrypt,
    });
    assert.equal((await sendEnvelope(server.url, mallory, envelope)).status, 201);
    await bob.page.goto(`${server.url}/chat?with=${mallory.login}`);
    const warning = bob.page.locator('.msg.is-unverified');
    await warning.getByText('This message could not be verified and is not shown.').waitFor();
    await warning.getByText(/The signed content belongs to another message.*The message's to differs from the envelope's/).waitFor();
    assert.equal(await bob.page.getByText('Meant for someone else').count(), 0);
    assert.equal(await warning.locator('.badge-ok').count(), 0);
    await audit(bob.page, 'chat-warning');
  });

  it("notifications, once turned on: the sender's name for a message not on screen, never its text", async () => {
    // A stand-in for the system's notifications records what the page asks it to show; the
    // permission it grants is kept like a browser's.
    await alice.context.addInitScript(() => {
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
    });
    const page = alice.page;
    const shown = () => page.evaluate(() => (window as unknown as { __notifications: unknown[] }).__notifications);
    await openChat(bob, alice);
    await page.goto(`${server.url}/directory`);
    await page.getByRole('button', { name: 'Notify me of new messages' }).click();
    const bell = page.getByRole('button', { name: 'Notifications on: turn them off' });
    await bell.waitFor();
    assert.equal(await bell.getAttribute('aria-pressed'), 'true');

    await send(bob, 'A secret the system must not show');
    await page.waitForFunction(() => (window as unknown as { __notifications: unknown[] }).__notifications.length > 0);
    assert.deepEqual(await shown(), [{ title: 'TEKUP_chat', body: `New message from @${bob.login}`, tag: `tekup-chat-${bob.login}` }]);

    // The conversation on screen: no notification for what is read there.
    await openChat(alice, bob);
    await send(bob, 'Read here, so no notification');
    await seesVerified(alice, 'Read here, so no notification');
    assert.deepEqual(await shown(), []);

    // Turned off again: nothing, whatever the browser allows.
    await page.goto(`${server.url}/directory`);
    await page.getByRole('button', { name: 'Notifications on: turn them off' }).click();
    await page.getByRole('button', { name: 'Notify me of new messages' }).waitFor();
    await send(bob, 'Nobody is told of this one');
    // The message did arrive (the unread count says so), and no notification came of it.
    await page.locator('[data-unread-total]', { hasText: '1' }).waitFor();
    await page.waitForTimeout(300);
    assert.deepEqual(await shown(), []);
  });

  it('dark mode follows the system setting', async () => {
    await alice.page.emulateMedia({ colorScheme: 'dark' });
    await openChat(alice, bob);
    await seesVerified(alice, 'Numbered message 31');
    await audit(alice.page, 'chat-dark');
    await alice.page.emulateMedia({ colorScheme: 'light' });
  });

  it('a certificate close to expiry is announced on every page; revoking ends it for good', async () => {
    const shortLived = await startServer({ args: ['--cert-days', '10'] });
    try {
      const carol = await person('carol', 'Carol', 'Dupont');
      const base = server;
      server = shortLived;
      try {
        await register(carol);
        await continueToChat(carol);
      } finally {
        server = base;
      }
      const banner = carol.page.getByRole('status').filter({ hasText: /Your certificate expires in 9 days/ });
      await banner.waitFor();
      await banner.getByRole('link', { name: 'Review certificate' }).click();
      await carol.page.locator('.cert-panel .chip', { hasText: 'Expires in 9 days' }).waitFor();
      await audit(carol.page, 'certificate-expiring');

      // Revocation: confirmed in a dialog, the session ends, and the certificate never logs in again.
      await carol.page.getByRole('button', { name: 'Revoke certificate' }).click();
      const dialog = carol.page.getByRole('dialog', { name: 'Revoke your certificate?' });
      await dialog.getByLabel('Reason').selectOption('cessationOfOperation');
      await dialog.getByRole('button', { name: 'Revoke certificate' }).click();
      await carol.page.waitForURL(/\/login\?notice=revoked$/);
      await carol.page.getByText('Your certificate has been revoked.').waitFor();
      await carol.page.getByLabel('Login').fill(carol.login);
      await carol.page.getByText(`No key for @${carol.login} is stored in this browser`).waitFor();
      await carol.page.getByLabel('Password', { exact: true }).fill(carol.password);
      await carol.page.getByLabel('Key backup file').setInputFiles(carol.backupFile!);
      await carol.page.getByRole('button', { name: 'Log in' }).click();
      await carol.page.getByRole('alert').filter({ hasText: 'This certificate has been revoked.' }).waitFor();
      // Said in the page's words: a date, and the reason chosen in the dialog.
      await carol.page.getByRole('alert').filter({ hasText: /It was revoked on (\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2}, \d{4}) \(no longer used\)\./ }).waitFor();
      await audit(carol.page, 'login-revoked');
      await carol.context.close();
    } finally {
      await shortLived.stop();
    }
  });

  it('no script or page error along the way', () => {
    assert.deepEqual(problems, []);
  });
});
