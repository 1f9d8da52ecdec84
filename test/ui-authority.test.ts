// The authority page in a real browser (Debian's Chromium driven by playwright-core) against the
// real server: a visitor who is not signed in follows the link from the login page, compares the
// root fingerprint with the file the page offers, and checks certificates — a pirate's, a real one
// from a file, and nothing at all. htmx swaps only the check card (the page is not reloaded) and
// focus moves to what it says. axe-core checks every state; screenshots go to test-results/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SHOTS, assertAccessible, auditDesktop, launchChromium, watchedPage } from './helpers/browser.ts';
import { startServer, tempDir, type Running } from './helpers/server.ts';
import { openssl, writeTemp } from './helpers/openssl.ts';
import { envelopeFor, webUser, type WebUser } from './helpers/webuser.ts';
import { x509 } from '../src/pki/x509.ts';
import { openEnvelope } from '../src/client/envelope.ts';
import { exportProof } from '../src/client/proof.ts';
import { admin } from './helpers/admin.ts';

describe('the certificate authority page in a browser', { timeout: 120_000 }, () => {
  let server: Running;
  let browser: Browser;
  let page: Page;
  let user: WebUser;
  const problems: string[] = [];

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    page = await watchedPage(browser, problems);
    user = await webUser(server.url, 'uica');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('from the login page: the hierarchy, a root file that matches the fingerprint shown, and checks that answer in place', async () => {
    await page.goto(`${server.url}/login`);
    await page.getByRole('link', { name: 'TEKUP_chat certificate authority' }).click();
    await page.waitForURL(/\/authority$/);
    await page.getByRole('heading', { name: 'Certificate authority', level: 1 }).waitFor();
    await auditDesktop(page, 'authority');

    // The root file offered for download is the one whose fingerprint the page shows.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Root (PEM)' }).click()]);
    const rootPem = readFileSync((await download.path())!, 'utf8');
    const der = Buffer.from(x509.PemConverter.decode(rootPem)[0]);
    const grouped = (createHash('sha256').update(der).digest('hex').match(/.{4}/g) ?? []).join(' ');
    await page.locator('.ca-entry').first().getByText(grouped).waitFor();

    // The page is not reloaded by a check: a mark left on the window survives it.
    await page.evaluate(() => ((window as unknown as { mark: number }).mark = 42));

    // A pirate: the victim's subject, self-signed.
    const dir = tempDir('ui-pirate-');
    const pirate = join(dir, 'pirate.pem');
    openssl(['req', '-x509', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', pirate, '-days', '30', '-subj', `/UID=${user.login}/CN=Someone Else/O=TEKUP_chat`]);
    await page.getByLabel('Certificate (PEM)').fill(readFileSync(pirate, 'utf8'));
    await page.getByRole('button', { name: 'Check certificate' }).click();
    const verdict = page.locator('[data-check-result]');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-check-result'), 'untrusted');
    await page.getByRole('heading', { name: 'TEKUP_chat did not issue this certificate' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-check-result')), 'untrusted', 'focus moves to the verdict');
    assert.equal(await page.evaluate(() => (window as unknown as { mark?: number }).mark), 42, 'the page was not reloaded');
    await auditDesktop(page, 'authority-untrusted');

    // A real certificate, from its file.
    await page.getByLabel('Certificate (PEM)').fill('');
    await page.getByLabel(/Or its file/).setInputFiles(writeTemp('mine.pem', user.certificate));
    await page.getByRole('button', { name: 'Check certificate' }).click();
    await page.locator('[data-check-result="valid"]').waitFor();
    await page.getByRole('heading', { name: /^Issued by TEKUP_chat to / }).waitFor();
    assert.match(await page.locator('[data-check-result]').innerText(), new RegExp(`@${user.login}.*It is one of their current certificates`, 's'));
    await auditDesktop(page, 'authority-valid');

    // Nothing at all: said next to the field, which gets focus.
    await page.getByLabel('Certificate (PEM)').fill('');
    await page.getByRole('button', { name: 'Check certificate' }).click();
    const field = page.getByLabel('Certificate (PEM)');
    await page.locator('[data-error-for="certificate"]', { hasText: 'Paste a certificate (PEM) or choose its file.' }).waitFor();
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.match((await field.getAttribute('aria-describedby')) ?? '', /f-certificate-error/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-certificate');
    assert.equal(await page.locator('[data-check-result]').count(), 0, 'the earlier verdict is gone');
    await auditDesktop(page, 'authority-error');

    // A proof saved under a received message: checked in this page, the message shown as signed.
    const bob = await webUser(server.url, 'uicab');
    const text = 'I agree to the terms — Ich stimme zu 🖋';
    const envelope = await envelopeFor(user, bob, text);
    const opened = await openEnvelope(envelope, { myLogin: bob.login, myDecryptKey: bob.key.privateKeys.decrypt, senderCertificate: user.certificate });
    const bundle = exportProof(opened, await (await fetch(`${server.url}/ca/chain.pem`)).text());
    const proofFile = (name: string, b: object) => writeTemp(name, JSON.stringify(b, null, 2));
    const checkProof = async (file: string) => {
      await page.getByLabel('Proof file').setInputFiles(file);
      await page.getByRole('button', { name: 'Verify proof' }).click();
      const result = page.locator('[data-proof-result]');
      await result.waitFor();
      return result;
    };
    const bodies: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && bodies.push(r.postData() ?? ''));
    let result = await checkProof(proofFile('proof.json', bundle));
    assert.equal(await result.getAttribute('data-proof-result'), 'valid');
    await page.getByRole('heading', { name: new RegExp(`^Signed by .*@${user.login}`) }).waitFor();
    assert.equal(await result.locator('.proof-text').innerText(), text);
    assert.match(await result.innerText(), new RegExp(`@${bob.login}`));
    assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-proof-result')), true, 'focus moves to the verdict');
    // Only the certificate went to the authority; the message stayed in the page.
    assert.ok(bodies.some((b) => b.includes('BEGIN CERTIFICATE')), 'the certificate was checked');
    assert.ok(bodies.every((b) => !b.includes('Ich stimme zu')), 'the message never left the page');
    await auditDesktop(page, 'authority-proof');

    // One character changed: the signature no longer matches.
    result = await checkProof(proofFile('forged.json', { ...bundle, signed: bundle.signed.replace('agree', 'refuse') }));
    assert.equal(await result.getAttribute('data-proof-result'), 'invalid');
    await page.getByRole('heading', { name: 'The signature does not match: the message was altered' }).waitFor();
    assert.equal(await result.locator('.proof-text').count(), 0, 'an altered message is not shown as signed');

    // Not a proof at all: said next to the field.
    await page.getByLabel('Proof file').setInputFiles(writeTemp('notes.json', 'not json'));
    await page.getByRole('button', { name: 'Verify proof' }).click();
    await page.locator('[data-error-for="proof"]', { hasText: 'it is not JSON' }).waitFor();
    assert.equal(await page.getByLabel('Proof file').getAttribute('aria-invalid'), 'true');

    // The signer's certificate revoked after the message: the signature still stands, and the page says so.
    await admin(['revoke', '--login', user.login, '--reason', 'keyCompromise', '--data', server.dataDir]);
    result = await checkProof(proofFile('proof.json', bundle));
    assert.equal(await result.getAttribute('data-proof-result'), 'valid');
    assert.match(await result.innerText(), /revoked later, on .*\(key compromised\): that does not undo a signature made before/);
    // A message that claims to be sent after the revocation, with the same key: not to be relied on.
    const late = await envelopeFor(user, bob, 'Sent after the key was stolen', { sentAt: new Date(Date.now() + 60_000) });
    const lateOpened = await openEnvelope(late, { myLogin: bob.login, myDecryptKey: bob.key.privateKeys.decrypt, senderCertificate: user.certificate });
    result = await checkProof(proofFile('late.json', exportProof(lateOpened, bundle.chain)));
    assert.equal(await result.getAttribute('data-proof-result'), 'revoked-before');
    await page.getByRole('heading', { name: 'Signed with a certificate revoked before' }).waitFor();
    assert.match(await result.innerText(), /anyone holding it could have signed this/);
    await auditDesktop(page, 'authority-proof-revoked');

    // On a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    await assertAccessible(page, 'authority on a phone');
    await page.screenshot({ path: join(SHOTS, 'ui-authority-phone.png'), fullPage: true, caret: 'initial' });
    assert.deepEqual(problems, []);
  });
});
