// The client crypto runs in a real browser (headless Chromium, its own WebCrypto) and interoperates
// with the same code under Node and with openssl: keys and CSR made in the page, a message sealed
// in Node and opened in the page and back, a proof exported in the page, a backup both ways.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateKey, importPublicKeys, type KeyPair } from '../src/client/keys.ts';
import { makeEnvelope, openEnvelope } from '../src/client/envelope.ts';
import { verifyProof, type ProofBundle } from '../src/client/proof.ts';
import { x509 } from '../src/client/x509.ts';
import { checkCsr } from '../src/pki/csr.ts';
import type { Envelope } from '../src/protocol/envelope.ts';
import { openssl } from './helpers/openssl.ts';
import { ROOT, tempDir } from './helpers/server.ts';
import { testCa, type TestCa } from './helpers/ca.ts';

const PASSWORD = 'browser backup passphrase';
let server: Server;
let browser: Browser;
let page: Page;
let ca: TestCa;
let alice: { key: KeyPair; cert: x509.X509Certificate };
let bob: { spki: string; csr: string; backup: string; signature: string; cert?: x509.X509Certificate };

before(async () => {
  // The client modules bundled for the browser as one script exposing them on `tekup`.
  const bundle = await build({
    stdin: {
      contents: ['keys', 'csr', 'challenge', 'envelope', 'backup', 'proof'].map((m) => `export * from './src/client/${m}.ts';`).join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'tekup',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].text;
  server = createServer((req, res) => {
    if (req.url === '/c.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>crypto</title><script src="/c.js"></script>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  page = await browser.newPage();
  // 127.0.0.1 is a secure context, so crypto.subtle is there as on an HTTPS site
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);

  ca = await testCa();
  const key = await generateKey();
  key.forget();
  alice = { key, cert: await ca.issue('alice', key.spki) };
});

after(async () => {
  await browser?.close();
  server?.close();
});

declare const tekup: typeof import('../src/client/envelope.ts') &
  typeof import('../src/client/keys.ts') &
  typeof import('../src/client/csr.ts') &
  typeof import('../src/client/challenge.ts') &
  typeof import('../src/client/backup.ts') &
  typeof import('../src/client/proof.ts');
declare const window: { bob: import('../src/client/keys.ts').KeyPair };

describe('client crypto in Chromium', () => {
  it('makes a key, a CSR the server accepts, a challenge signature openssl verifies and a backup openssl opens', async () => {
    bob = await page.evaluate(async (password) => {
      const key = await tekup.generateKey();
      const backup = await tekup.encryptPrivateKey(key.pkcs8, password);
      key.forget();
      window.bob = key;
      const spki = btoa(String.fromCharCode(...key.spki));
      return { spki, csr: await tekup.makeCsr(key, 'bob'), backup, signature: await tekup.signChallenge('TEKUP_chat login v1 abc', key.privateKeys.sign) };
    }, PASSWORD);
    const spki = new Uint8Array(Buffer.from(bob.spki, 'base64'));
    const { key } = await checkCsr(bob.csr, { login: 'bob', firstName: 'Bob', lastName: 'B', email: 'bob@example.org' }, 2048);
    assert.deepEqual(key.spki, spki);
    bob.cert = await ca.issue('bob', spki);

    const dir = tempDir('tekup-browser-');
    const f = (name: string, data: string | Uint8Array) => (writeFileSync(join(dir, name), data), join(dir, name));
    const pub = f('pub.pem', bob.cert.publicKey.toString('pem'));
    assert.match(
      openssl(['dgst', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-verify', pub, '-signature', f('sig.bin', Buffer.from(bob.signature, 'base64')), f('c.txt', 'TEKUP_chat login v1 abc')]),
      /Verified OK/,
    );
    const decrypted = openssl(['pkcs8', '-in', f('backup.pem', bob.backup), '-passin', `pass:${PASSWORD}`]);
    assert.equal(openssl(['pkey', '-pubout'], decrypted), bob.cert.publicKey.toString('pem') + '\n');
  });

  it('opens in the page a message sealed in Node, and exports a proof that verifies in Node', async () => {
    const bobKeys = await importPublicKeys(bob.cert!);
    const env = await makeEnvelope({
      from: 'alice',
      to: 'bob',
      text: 'Bonjour depuis Node 🌍',
      senderCertSerial: alice.cert.serialNumber,
      signKey: alice.key.privateKeys.sign,
      recipientPublicKey: bobKeys.encrypt,
      senderPublicKey: alice.key.publicKeys.encrypt,
    });
    const { text, proof } = await page.evaluate(
      async ({ env, alicePem, chainPem }) => {
        const opened = await tekup.openEnvelope(env, { myLogin: 'bob', myDecryptKey: window.bob.privateKeys.decrypt, senderCertificate: alicePem });
        return { text: opened.text, proof: tekup.exportProof(opened, chainPem) };
      },
      { env, alicePem: alice.cert.toString('pem'), chainPem: ca.chainPem },
    );
    assert.equal(text, 'Bonjour depuis Node 🌍');
    const result = await verifyProof(proof as ProofBundle, ca.rootPem);
    assert.equal(result.message.text, text);
  });

  it('seals in the page a message that Node opens, and catches a tampered one in the page', async () => {
    const { env, tamperedError } = await page.evaluate(
      async ({ bobSerial, alicePem, bobPem }) => {
        const aliceKeys = await tekup.importPublicKeys(pemToDer(alicePem));
        const env = await tekup.makeEnvelope({
          from: 'bob',
          to: 'alice',
          text: 'Réponse depuis Chromium',
          senderCertSerial: bobSerial,
          signKey: window.bob.privateKeys.sign,
          recipientPublicKey: aliceKeys.encrypt,
          senderPublicKey: window.bob.publicKeys.encrypt,
        });
        const ct = atob(env.ct);
        const flipped = btoa(String.fromCharCode(ct.charCodeAt(0) ^ 1) + ct.slice(1));
        const tamperedError = await tekup
          .openEnvelope({ ...env, ct: flipped }, { myLogin: 'bob', myDecryptKey: window.bob.privateKeys.decrypt, senderCertificate: bobPem })
          .then(() => 'opened', (e: { code: string }) => e.code);
        return { env, tamperedError };

        function pemToDer(pem: string): Uint8Array<ArrayBuffer> {
          const b = atob(pem.replace(/-----[^-]+-----|\s/g, ''));
          return Uint8Array.from(b, (c) => c.charCodeAt(0));
        }
      },
      { bobSerial: bob.cert!.serialNumber, alicePem: alice.cert.publicKey.toString('pem'), bobPem: bob.cert!.toString('pem') },
    );
    assert.equal(tamperedError, 'bad_outer_signature');
    const opened = await openEnvelope(env as Envelope, { myLogin: 'alice', myDecryptKey: alice.key.privateKeys.decrypt, senderCertificate: bob.cert! });
    assert.equal(opened.text, 'Réponse depuis Chromium');
  });

  it('imports in the page a backup made by openssl', async () => {
    const keyPem = openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
    const encrypted = openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256', '-passout', `pass:${PASSWORD}`], keyPem);
    const spki = await page.evaluate(
      async ({ encrypted, password }) => {
        const key = await tekup.importBackup(encrypted, password);
        return btoa(String.fromCharCode(...key.spki));
      },
      { encrypted, password: PASSWORD },
    );
    assert.equal(spki, openssl(['pkey', '-pubout'], keyPem).replace(/-----[^-]+-----|\s/g, ''));
  });
});
