// Non-repudiation: a received message exported as a proof bundle is checked by verifyProof and,
// file by file, by the openssl CLI alone, exactly as docs/client-crypto.md tells a third party to.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey, type KeyPair } from '../src/client/keys.ts';
import { makeEnvelope, makeEnvelopeV2, openEnvelope, openEnvelopeV2, signObject } from '../src/client/envelope.ts';
import { jcs } from '../src/client/jcs.ts';
import { exportProof, proofFileFor, ProofError, verifyProof, type ProofBundle } from '../src/client/proof.ts';
import { encryptAttachment } from '../src/client/attachments.ts';
import { createHash } from 'node:crypto';
import { fromBase64 } from '../src/protocol/base64.ts';
import type { x509 } from '../src/client/x509.ts';
import { openssl } from './helpers/openssl.ts';
import { tempDir } from './helpers/server.ts';
import { testCa, type TestCa } from './helpers/ca.ts';

interface User {
  login: string;
  key: KeyPair;
  cert: x509.X509Certificate;
}
let ca: TestCa;
let otherCa: TestCa;
let alice: User, bob: User;

before(async () => {
  [ca, otherCa] = await Promise.all([testCa(), testCa()]);
  const user = async (login: string, by = ca): Promise<User> => {
    const key = await generateKey();
    key.forget();
    return { login, key, cert: await by.issue(login, key.spki) };
  };
  [alice, bob] = await Promise.all([user('alice'), user('bob')]);
});

async function received(text: string, sentAt?: Date): Promise<ProofBundle> {
  const env = await makeEnvelope({
    from: 'alice',
    to: 'bob',
    text,
    sentAt,
    senderCertSerial: alice.cert.serialNumber,
    signKey: alice.key.privateKeys.sign,
    recipientPublicKey: bob.key.publicKeys.encrypt,
    senderPublicKey: alice.key.publicKeys.encrypt,
  });
  const opened = await openEnvelope(env, { myLogin: 'bob', myDecryptKey: bob.key.privateKeys.decrypt, senderCertificate: alice.cert });
  return exportProof(opened, ca.chainPem);
}

/** The third party's files, written from the bundle as docs/client-crypto.md says. */
function writeFiles(bundle: ProofBundle, root = ca.rootPem): Record<'signed' | 'sig' | 'cert' | 'chain' | 'root' | 'pub', string> {
  const dir = tempDir('tekup-proof-');
  const f = { signed: 'message.json', sig: 'message.sig', cert: 'sender.pem', chain: 'chain.pem', root: 'root.pem', pub: 'sender.pub.pem' };
  const p = Object.fromEntries(Object.entries(f).map(([k, name]) => [k, join(dir, name)])) as Record<keyof typeof f, string>;
  writeFileSync(p.signed, bundle.signed, 'utf8');
  writeFileSync(p.sig, fromBase64(bundle.signature));
  writeFileSync(p.cert, bundle.certificate);
  writeFileSync(p.chain, bundle.chain);
  writeFileSync(p.root, root);
  return p;
}

function opensslVerify(p: ReturnType<typeof writeFiles>): string {
  openssl(['x509', '-in', p.cert, '-pubkey', '-noout', '-out', p.pub]);
  try {
    return openssl(['dgst', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-verify', p.pub, '-signature', p.sig, p.signed]);
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e);
  }
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProofError, String(e));
    return e.code;
  }
  return 'verified';
}

describe('proof bundle', () => {
  it('holds the exact signed plaintext (JCS without sig), the signature, the certificate and the chain', async () => {
    const bundle = await received('Je te dois 100 dinars. — Alice');
    const message = JSON.parse(bundle.signed);
    assert.deepEqual(Object.keys(message).sort(), ['from', 'id', 'sentAt', 'text', 'to', 'v']);
    assert.equal(message.text, 'Je te dois 100 dinars. — Alice');
    assert.equal(jcs(message), bundle.signed);
    assert.match(bundle.certificate, /^-----BEGIN CERTIFICATE-----/);
    assert.equal(bundle.chain, ca.chainPem);
  });

  it('verifies with verifyProof against the trusted root', async () => {
    const bundle = await received('Je te dois 100 dinars. — Alice');
    const result = await verifyProof(JSON.parse(JSON.stringify(bundle)), ca.rootPem);
    assert.equal(result.message.text, 'Je te dois 100 dinars. — Alice');
    assert.equal(result.message.from, 'alice');
    assert.equal(result.signer.login, 'alice');
    assert.equal(result.signer.serial, alice.cert.serialNumber);
    assert.equal(result.rootFingerprint, ca.ca.rootFingerprint);
  });

  it('verifies with the openssl CLI alone: the signature and the certificate chain', async () => {
    const bundle = await received('Rendez-vous demain à 10h ☕');
    const p = writeFiles(bundle);
    assert.match(opensslVerify(p), /Verified OK/);
    assert.match(openssl(['verify', '-CAfile', p.root, '-untrusted', p.chain, p.cert]), /: OK/);
    assert.match(openssl(['x509', '-in', p.cert, '-noout', '-subject']), /UID\s*=\s*alice/);
  });

  it('fails, in verifyProof and in openssl, when one byte of the message is changed', async () => {
    const bundle = await received('Je te dois 100 dinars.');
    const forged = { ...bundle, signed: bundle.signed.replace('100', '900') };
    assert.equal(await failure(verifyProof(forged, ca.rootPem)), 'bad_signature');
    assert.match(opensslVerify(writeFiles(forged)), /Verification failure/);
  });

  it('refuses a non-canonical spelling of the signed text', async () => {
    const bundle = await received('x');
    assert.equal(await failure(verifyProof({ ...bundle, signed: bundle.signed.replace(',', ', ') }, ca.rootPem)), 'malformed');
    assert.equal(await failure(verifyProof({ ...bundle, format: 'other' }, ca.rootPem)), 'malformed');
  });

  it('refuses a chain that does not lead to the trusted root', async () => {
    const bundle = await received('x');
    assert.equal(await failure(verifyProof(bundle, otherCa.rootPem)), 'untrusted_chain');
    // a look-alike hierarchy with the same names, carried in the bundle, does not help
    assert.equal(await failure(verifyProof({ ...bundle, chain: otherCa.chainPem }, ca.rootPem)), 'untrusted_chain');
  });

  it("refuses a signature by someone else's certificate, or a certificate not naming the sender", async () => {
    const bundle = await received('x');
    assert.equal(await failure(verifyProof({ ...bundle, certificate: bob.cert.toString('pem') }, ca.rootPem)), 'wrong_signer');
    // Bob signs a message claiming to be from Alice, with his own certificate
    const message = JSON.parse(bundle.signed);
    const signature = await signObject(message, bob.key.privateKeys.sign);
    assert.equal(await failure(verifyProof({ ...bundle, signature, certificate: bob.cert.toString('pem') }, ca.rootPem)), 'wrong_signer');
  });

  it('refuses a message dated outside the validity of the certificate', async () => {
    const bundle = await received('from the past', new Date(Date.now() - 10 * 86_400_000));
    assert.equal(await failure(verifyProof(bundle, ca.rootPem)), 'not_valid_at_time');
  });

  it('proves a version 2 message (§7) too, whose signed text names the certificate that signed it', async () => {
    const serial = (u: User) => u.cert.serialNumber.toLowerCase();
    // Another certificate of the same person, in force when the message was sent.
    const other = await generateKey();
    other.forget();
    const aliceAgain = await ca.issue('alice', other.spki);
    const env = await makeEnvelopeV2({
      signKey: alice.key.privateKeys.sign,
      from: 'alice',
      senderCertSerial: serial(alice),
      to: 'bob',
      text: 'from one of my devices',
      recipients: [alice, bob].map((u) => ({ serial: serial(u), publicKey: u.key.publicKeys.encrypt })),
    });
    const opened = await openEnvelopeV2(env, { myCertSerial: serial(bob), myDecryptKey: bob.key.privateKeys.decrypt, senderCertificate: alice.cert });
    assert.equal(opened.status, 'verified');
    if (opened.status !== 'verified') return;
    const bundle = exportProof(opened.message, ca.chainPem);
    const result = await verifyProof(JSON.parse(JSON.stringify(bundle)), ca.rootPem);
    assert.equal(result.message.text, 'from one of my devices');
    assert.equal(result.message.v, 2);
    assert.match(opensslVerify(writeFiles(bundle)), /Verified OK/);
    // It is not the one the message names.
    assert.equal(await failure(verifyProof({ ...bundle, certificate: aliceAgain.toString('pem') }, ca.rootPem)), 'wrong_signer');
  });

  it('shows the files of a message (§8) by id and SHA-256, and tells whether bytes are one of them', async () => {
    const serial = (u: User) => u.cert.serialNumber.toLowerCase();
    const content = new TextEncoder().encode('%PDF-1.4 the contract');
    const { ciphertext, description } = await encryptAttachment(content, { name: 'contract.pdf', type: 'application/pdf' });
    const id = createHash('sha256').update(ciphertext).digest('hex');
    const env = await makeEnvelopeV2({
      signKey: alice.key.privateKeys.sign,
      from: 'alice',
      senderCertSerial: serial(alice),
      to: 'bob',
      text: 'signed, see attached',
      attachments: [{ id, ...description }],
      recipients: [alice, bob].map((u) => ({ serial: serial(u), publicKey: u.key.publicKeys.encrypt })),
    });
    const opened = await openEnvelopeV2(env, { myCertSerial: serial(bob), myDecryptKey: bob.key.privateKeys.decrypt, senderCertificate: alice.cert });
    assert.equal(opened.status, 'verified');
    if (opened.status !== 'verified') return;
    const bundle: ProofBundle = JSON.parse(JSON.stringify(exportProof(opened.message, ca.chainPem)));
    const shown = { id, name: 'contract.pdf', type: 'application/pdf', size: content.byteLength, sha256: createHash('sha256').update(content).digest('hex') };
    assert.deepEqual(bundle.files, [shown], 'listed without the key');
    assert.match(bundle.signed, new RegExp(`"sha256":"${shown.sha256}"`), 'and signed inside the message');
    const result = await verifyProof(bundle, ca.rootPem);
    assert.deepEqual(result.files, [shown]);
    assert.deepEqual(await proofFileFor(result, content), shown);
    assert.equal(await proofFileFor(result, new TextEncoder().encode('%PDF-1.4 another contract')), undefined);
    // The list outside the signed text cannot claim another file, nor hide one.
    assert.equal(await failure(verifyProof({ ...bundle, files: [{ ...shown, sha256: '0'.repeat(64) }] }, ca.rootPem)), 'malformed');
    assert.equal(await failure(verifyProof({ ...bundle, files: [] }, ca.rootPem)), 'malformed');
    // Without the list, the signed text still says which files: the proof stands and names them.
    const { files: _, ...bare } = bundle;
    assert.deepEqual((await verifyProof(bare, ca.rootPem)).files, [shown]);
    assert.match(opensslVerify(writeFiles(bundle)), /Verified OK/);
  });

  it('lists no files for a message without any', async () => {
    const bundle = await received('no files');
    assert.equal(bundle.files, undefined);
    assert.deepEqual((await verifyProof(bundle, ca.rootPem)).files, []);
  });
});
