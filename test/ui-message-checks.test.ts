// What the checks on a message give the person who receives it, in a real browser (Debian's
// Chromium driven by playwright-core) against the real server: a verified message saves as a proof
// that openssl alone verifies (non-repudiation), and a message whose checks fail is a warning that
// names the failed check, never shown as text. axe-core checks the pages; screenshots (desktop and
// phone) go to test-results/.
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ui, audit, openChat, seesVerified, send } from './helpers/ui.ts';
import { tempDir } from './helpers/server.ts';
import { openssl } from './helpers/openssl.ts';
import { uniqueUser } from './helpers/users.ts';
import { send as sendEnvelope, webUser } from './helpers/webuser.ts';
import { sealPlaintext, signObject } from '../src/client/envelope.ts';
import { importPublicKeys } from '../src/client/keys.ts';
import { jcs } from '../src/client/jcs.ts';
import { x509 } from '../src/client/x509.ts';

describe('the checks on a received message', { timeout: 240_000 }, () => {
  const ui = new Ui();
  before(() => ui.start());
  after(() => ui.stop());
  beforeEach((t) => ui.begin(t.name));
  afterEach(() => ui.end());

  it('a received message saves as a proof that openssl alone verifies (non-repudiation)', async () => {
    const [alice, bob] = await Promise.all([ui.person('alice', 'Alice', 'Martin'), ui.person('bob', 'Bob', 'Ben Salah')]);
    const alicePage = await ui.signedIn(alice);
    const bobPage = await ui.signedIn(bob);
    await openChat(alicePage, ui.url, bob);
    await openChat(bobPage, ui.url, alice);
    await send(alicePage, 'Hello Bob, this is Alice.');
    await seesVerified(alicePage, 'Hello Bob, this is Alice.');
    await seesVerified(bobPage, 'Hello Bob, this is Alice.');

    const bubble = bobPage.locator('.msg', { hasText: 'Hello Bob, this is Alice.' });
    const [download] = await Promise.all([bobPage.waitForEvent('download'), bubble.getByRole('button', { name: 'Save proof' }).click()]);
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
    writeFileSync(f('root.pem'), await (await fetch(`${ui.url}/ca/root.pem`)).text());
    assert.match(openssl(['verify', '-CAfile', f('root.pem'), '-untrusted', f('chain.pem'), f('sender.pem')]), /: OK/);
    openssl(['x509', '-in', f('sender.pem'), '-pubkey', '-noout', '-out', f('sender.pub')]);
    const out = openssl(['dgst', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-verify', f('sender.pub'), '-signature', f('message.sig'), f('message.json')]);
    assert.match(out, /Verified OK/);
    // Sent messages carry no proof button: a proof is what the recipient keeps.
    assert.equal(await alicePage.locator('.msg.is-mine .msg-proof').count(), 0);
  });

  it('a message whose checks fail is a warning that names the failed check, never shown as text', async () => {
    const bob = await ui.person('bob', 'Bob', 'Ben Salah');
    // Mallory holds a real certificate and signs both layers, but her plaintext names another
    // recipient than the envelope: a signed message lifted into a new envelope. The server cannot
    // see inside and relays it; Bob's browser must refuse to show it.
    const mallory = await webUser(ui.url, 'mallory');
    const someoneElse = uniqueUser('alice').login;
    const header = { id: crypto.randomUUID(), from: mallory.login, to: bob.login, sentAt: new Date().toISOString(), cert: mallory.serial };
    const inner = { v: 1 as const, id: header.id, from: mallory.login, to: someoneElse, sentAt: header.sentAt, text: 'Meant for someone else' };
    const plaintext = { ...inner, sig: await signObject(inner, mallory.key.privateKeys.sign) };
    // Sealed for the certificate in Bob's key backup file.
    const bobKeys = await importPublicKeys(new x509.X509Certificate(readFileSync(bob.backupFile, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0]));
    const envelope = await sealPlaintext(new TextEncoder().encode(jcs(plaintext)), header, {
      signKey: mallory.key.privateKeys.sign,
      recipientPublicKey: bobKeys.encrypt,
      senderPublicKey: mallory.key.publicKeys.encrypt,
    });
    assert.equal((await sendEnvelope(ui.url, mallory, envelope)).status, 201);
    const page = await ui.signedIn(bob);
    await page.goto(`${ui.url}/chat?with=${mallory.login}`);
    const warning = page.locator('.msg.is-unverified');
    await warning.getByText('This message could not be verified and is not shown.').waitFor();
    await warning.getByText(/The signed content belongs to another message.*The message's to differs from the envelope's/).waitFor();
    assert.equal(await page.getByText('Meant for someone else').count(), 0);
    assert.equal(await warning.locator('.badge-ok').count(), 0);
    await audit(page, 'chat-warning');
  });
});
