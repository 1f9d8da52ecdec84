// Protocol §5 and §7 in the browser code: a sealed message opens for both parties (v1) or on every
// device it was sealed for (v2), and every kind of tampering is caught with its own error, in the
// order the protocol gives.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { generateKey, type KeyPair } from '../src/client/keys.ts';
import {
  DecryptError,
  InnerOuterMismatchError,
  InnerSignatureError,
  KeyUnwrapError,
  MalformedEnvelopeError,
  MalformedPlaintextError,
  NotAddressedToMeError,
  OuterSignatureError,
  WrongSenderCertificateError,
  makeEnvelope,
  makeEnvelopeV2,
  NOT_FOR_THIS_DEVICE,
  openAnyEnvelope,
  openEnvelope,
  openEnvelopeV2,
  sealPlaintext,
  sealPlaintextV2,
  signObject,
  type EnvelopeError,
  type HeaderV2,
  type OpenResultV2,
  type RecipientCertificate,
} from '../src/client/envelope.ts';
import { jcs } from '../src/client/jcs.ts';
import { envelopeSchema, envelopeV2Schema, unsigned, type Envelope, type EnvelopeV2, type PlaintextV2 } from '../src/protocol/envelope.ts';
import { fromBase64, toBase64 } from '../src/protocol/base64.ts';
import type { x509 } from '../src/client/x509.ts';
import { testCa } from './helpers/ca.ts';

interface User {
  login: string;
  key: KeyPair;
  cert: x509.X509Certificate;
  serial: string;
}
let alice: User, bob: User, carol: User;
/** Devices (§6): Alice's second one, and Bob's second one linked after the message was sent. */
let alicePhone: User, bobTablet: User;

before(async () => {
  const ca = await testCa();
  const user = async (login: string): Promise<User> => {
    const key = await generateKey();
    key.forget();
    const cert = await ca.issue(login, key.spki);
    return { login, key, cert, serial: cert.serialNumber };
  };
  [alice, bob, carol, alicePhone, bobTablet] = await Promise.all([user('alice'), user('bob'), user('carol'), user('alice'), user('bob')]);
});

const send = (text = 'Salut Bob, rendez-vous à 10h ☕', from = alice, to = bob, extra: { id?: string; sentAt?: Date } = {}) =>
  makeEnvelope({
    from: from.login,
    to: to.login,
    text,
    senderCertSerial: from.serial,
    signKey: from.key.privateKeys.sign,
    recipientPublicKey: to.key.publicKeys.encrypt,
    senderPublicKey: from.key.publicKeys.encrypt,
    ...extra,
  });
const openAs = (env: unknown, reader: User, sender: User | x509.X509Certificate = alice) =>
  openEnvelope(env, { myLogin: reader.login, myDecryptKey: reader.key.privateKeys.decrypt, senderCertificate: 'cert' in sender ? sender.cert : sender });
/** Re-signs the outer envelope as the sender would: to reach the checks behind the outer signature. */
const resign = async (env: Envelope, by = alice): Promise<Envelope> => ({ ...env, sig: await signObject(unsigned(env), by.key.privateKeys.sign) });
/** Flips one bit of a base64 value. */
const flip = (b64: string, at = 0): string => {
  const bytes = fromBase64(b64);
  bytes[at] ^= 1;
  return toBase64(bytes);
};
async function rejects(p: Promise<unknown>, type: new (...a: any[]) => EnvelopeError, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.equal((e as EnvelopeError).code, code);
    return true;
  });
}

describe('makeEnvelope and openEnvelope', () => {
  it('round-trips: the recipient and the sender both read the text, with the signed plaintext', async () => {
    const env = await send();
    assert.ok(v.is(envelopeSchema, env), 'the envelope passes the server schema');
    assert.deepEqual(Object.keys(env.keys).sort(), ['alice', 'bob']);
    assert.equal(fromBase64(env.iv).length, 12);
    assert.ok(!JSON.stringify(env).includes('Salut'), 'no plaintext in the envelope');

    const forBob = await openAs(env, bob);
    assert.equal(forBob.text, 'Salut Bob, rendez-vous à 10h ☕');
    assert.deepEqual(
      { ...forBob.plaintext, sig: undefined },
      { v: 1, id: env.id, from: 'alice', to: 'bob', sentAt: env.sentAt, text: forBob.text, sig: undefined },
    );
    const forAlice = await openAs(env, alice);
    assert.equal(forAlice.text, forBob.text);
  });

  it('uses a fresh id, IV and key for every message', async () => {
    const [a, b] = await Promise.all([send('same'), send('same')]);
    assert.notEqual(a.id, b.id);
    assert.notEqual(a.iv, b.iv);
    assert.notEqual(a.ct, b.ct);
    assert.notEqual(a.keys.bob, b.keys.bob);
  });

  it('writes RFC 3339 UTC times with milliseconds and takes an injected time', async () => {
    const env = await send('x', alice, bob, { sentAt: new Date(Date.UTC(2026, 10, 24, 10)) });
    assert.equal(env.sentAt, '2026-11-24T10:00:00.000Z');
  });

  it('refuses to make a message to oneself (the server would refuse it)', async () => {
    await assert.rejects(send('me', alice, alice), MalformedEnvelopeError);
  });

  it('round-trips an empty text and a long one', async () => {
    assert.equal((await openAs(await send(''), bob)).text, '');
    const long = 'é'.repeat(20_000);
    assert.equal((await openAs(await send(long), bob)).text, long);
  });
});

describe('openEnvelope catches each tampering with its own error', () => {
  it('anything changed after signing: bad outer signature', async () => {
    const env = await send();
    for (const changed of [
      { ...env, ct: flip(env.ct) },
      { ...env, iv: flip(env.iv) },
      { ...env, keys: { ...env.keys, bob: flip(env.keys.bob, 10) } },
      { ...env, sentAt: new Date(Date.parse(env.sentAt) + 1).toISOString() },
      { ...env, sig: flip(env.sig, 40) },
    ]) {
      await rejects(openAs(changed, bob), OuterSignatureError, 'bad_outer_signature');
    }
  });

  it('an outer signature by someone else than the certified sender: bad outer signature', async () => {
    await rejects(openAs(await resign(await send(), carol), bob), OuterSignatureError, 'bad_outer_signature');
  });

  it('tampered ciphertext or IV behind a valid outer signature: decrypt failure', async () => {
    const env = await send();
    await rejects(openAs(await resign({ ...env, ct: flip(env.ct, 3) }), bob), DecryptError, 'decrypt_failed');
    await rejects(openAs(await resign({ ...env, ct: flip(env.ct, fromBase64(env.ct).length - 1) }), bob), DecryptError, 'decrypt_failed'); // the tag
    await rejects(openAs(await resign({ ...env, iv: flip(env.iv) }), bob), DecryptError, 'decrypt_failed');
  });

  it('a wrapped key that is not for me: key unwrap failure', async () => {
    const env = await send();
    await rejects(openAs(await resign({ ...env, keys: { ...env.keys, bob: flip(env.keys.bob, 5) } }), bob), KeyUnwrapError, 'key_unwrap_failed');
    // Alice's entry put in Bob's place: well-formed, but wrapped for another key
    await rejects(openAs(await resign({ ...env, keys: { ...env.keys, bob: env.keys.alice } }), bob), KeyUnwrapError, 'key_unwrap_failed');
  });

  it('a reader who is not in keys: not addressed to me', async () => {
    await rejects(openAs(await send(), carol), NotAddressedToMeError, 'not_addressed_to_me');
  });

  it('a plaintext whose own signature is wrong: bad inner signature', async () => {
    const env = await send();
    const opened = await openAs(env, bob);
    const header = { id: env.id, from: env.from, to: env.to, sentAt: env.sentAt, cert: env.cert };
    const keys = { signKey: alice.key.privateKeys.sign, recipientPublicKey: bob.key.publicKeys.encrypt, senderPublicKey: alice.key.publicKeys.encrypt };
    const altered = { ...opened.plaintext, text: 'Salut Bob, rendez-vous à 11h ☕' };
    await rejects(openAs(await sealPlaintext(new TextEncoder().encode(jcs(altered)), header, keys), bob), InnerSignatureError, 'bad_inner_signature');
    // signed by Carol, sealed by Alice
    const { sig: _s, ...fields } = altered;
    const byCarol = { ...fields, sig: await signObject(fields, carol.key.privateKeys.sign) };
    await rejects(openAs(await sealPlaintext(new TextEncoder().encode(jcs(byCarol)), header, keys), bob), InnerSignatureError, 'bad_inner_signature');
  });

  it('a signed plaintext for Carol sealed in an envelope to Bob: inner/outer mismatch on to', async () => {
    const env = await send();
    const fields = { v: 1, id: env.id, from: 'alice', to: 'carol', sentAt: env.sentAt, text: 'for Carol only' };
    const inner = { ...fields, sig: await signObject(fields, alice.key.privateKeys.sign) };
    const header = { id: env.id, from: env.from, to: env.to, sentAt: env.sentAt, cert: env.cert };
    const keys = { signKey: alice.key.privateKeys.sign, recipientPublicKey: bob.key.publicKeys.encrypt, senderPublicKey: alice.key.publicKeys.encrypt };
    await assert.rejects(openAs(await sealPlaintext(new TextEncoder().encode(jcs(inner)), header, keys), bob), (e: unknown) => {
      assert.ok(e instanceof InnerOuterMismatchError);
      assert.equal(e.code, 'inner_outer_mismatch');
      assert.equal(e.field, 'to');
      return true;
    });
  });

  it('an old signed message replayed under a new id or time: inner/outer mismatch on that field', async () => {
    const env = await send();
    const { plaintext } = await openAs(env, bob);
    const keys = { signKey: alice.key.privateKeys.sign, recipientPublicKey: bob.key.publicKeys.encrypt, senderPublicKey: alice.key.publicKeys.encrypt };
    const bytes = new TextEncoder().encode(jcs(plaintext));
    const base = { id: env.id, from: env.from, to: env.to, sentAt: env.sentAt, cert: env.cert };
    for (const [field, header] of [
      ['id', { ...base, id: crypto.randomUUID() }],
      ['sentAt', { ...base, sentAt: new Date(Date.parse(env.sentAt) + 60_000).toISOString() }],
    ] as const) {
      await assert.rejects(openAs(await sealPlaintext(bytes, header, keys), bob), (e: unknown) => e instanceof InnerOuterMismatchError && e.field === field);
    }
  });

  it('a plaintext that is not the §5 object: malformed plaintext', async () => {
    const env = await send();
    const header = { id: env.id, from: env.from, to: env.to, sentAt: env.sentAt, cert: env.cert };
    const keys = { signKey: alice.key.privateKeys.sign, recipientPublicKey: bob.key.publicKeys.encrypt, senderPublicKey: alice.key.publicKeys.encrypt };
    const { plaintext } = await openAs(env, bob);
    for (const bytes of [
      new TextEncoder().encode('not json'),
      new Uint8Array([0x7b, 0xff, 0x7d]), // not UTF-8
      new TextEncoder().encode(jcs({ ...plaintext, extra: true })),
      new TextEncoder().encode(jcs({ ...plaintext, v: 2 })),
      new TextEncoder().encode('[]'),
    ]) {
      await rejects(openAs(await sealPlaintext(bytes, header, keys), bob), MalformedPlaintextError, 'malformed_plaintext');
    }
  });

  it('an envelope that fails the schema: malformed envelope, before any crypto', async () => {
    const env = await send();
    const { sig: _s, ...noSig } = env;
    for (const bad of [null, 'x', noSig, { ...env, v: 2 }, { ...env, iv: 'AAAA' }, { ...env, keys: { bob: env.keys.bob } }]) {
      await rejects(openAs(bad, bob), MalformedEnvelopeError, 'malformed_envelope');
    }
  });

  it("a certificate that is not the envelope's sender certificate: wrong sender certificate", async () => {
    const env = await send();
    await rejects(openAs(env, bob, carol), WrongSenderCertificateError, 'wrong_sender_certificate');
    // Carol's certificate named in `cert`, while `from` says alice
    await rejects(openAs(await resign({ ...env, cert: carol.serial }, carol), bob, carol), WrongSenderCertificateError, 'wrong_sender_certificate');
  });
});

// ---------------------------------------------------------------------------------------------
// Version 2 (§7): a key per device.

/** As the sender would fetch them: every current certificate of both people, hers included. */
const devicesOf = (...devices: User[]): RecipientCertificate[] =>
  devices.map((d, i) => ({ serial: d.serial, publicKey: i % 2 ? d.key.publicKeys.encrypt : d.key.spki })); // both forms
const sendV2 = (text = 'Salut Bob, à 10h ☕', extra: Partial<Parameters<typeof makeEnvelopeV2>[0]> = {}) =>
  makeEnvelopeV2({
    signKey: alice.key.privateKeys.sign,
    from: 'alice',
    senderCertSerial: alice.serial,
    to: 'bob',
    text,
    recipients: devicesOf(alice, alicePhone, bob),
    ...extra,
  });
const openV2As = (env: unknown, device: User, sender: User = alice) =>
  openEnvelopeV2(env, { myCertSerial: device.serial, myDecryptKey: device.key.privateKeys.decrypt, senderCertificate: sender.cert });
const resignV2 = async (env: EnvelopeV2, by = alice): Promise<EnvelopeV2> => ({ ...env, sig: await signObject(unsigned(env), by.key.privateKeys.sign) });
const headerOf = (env: EnvelopeV2): HeaderV2 => ({ id: env.id, from: env.from, cert: env.cert, to: env.to, sentAt: env.sentAt });
/** A plaintext of our own making, signed by Alice and sealed under `env`'s header for the same devices. */
const resealV2 = async (env: EnvelopeV2, fields: Omit<PlaintextV2, 'sig'>, signer = alice, header = headerOf(env)) => {
  const plaintext = { ...fields, sig: await signObject(fields, signer.key.privateKeys.sign) };
  return sealPlaintextV2(new TextEncoder().encode(jcs(plaintext)), header, alice.key.privateKeys.sign, devicesOf(alice, alicePhone, bob));
};
function failedWith(r: OpenResultV2, code: string): EnvelopeError {
  assert.equal(r.status, 'failed', `expected ${code}, got ${r.status}`);
  assert.equal(r.status === 'failed' && r.error.code, code, r.status === 'failed' ? r.error.message : '');
  return (r as { error: EnvelopeError }).error;
}

describe('makeEnvelopeV2 and openEnvelopeV2 (§7)', () => {
  it('a message sealed for three devices opens and verifies on each of them', async () => {
    const env = await sendV2();
    assert.ok(v.is(envelopeV2Schema, env), 'the envelope passes the server schema');
    assert.deepEqual(Object.keys(env.keys).sort(), [alice.serial, alicePhone.serial, bob.serial].sort());
    assert.equal(env.cert, alice.serial);
    assert.ok(!('epoch' in env) && !('files' in env), 'optional members left out, not undefined');
    assert.ok(!JSON.stringify(env).includes('Salut'), 'no plaintext in the envelope');
    assert.equal(new Set(Object.values(env.keys)).size, 3, 'one wrapping per device');

    for (const device of [bob, alice, alicePhone]) {
      const r = await openV2As(env, device);
      assert.equal(r.status, 'verified', `${device.login} ${device.serial}: ${r.status === 'failed' ? r.error.message : r.status}`);
      if (r.status !== 'verified') continue;
      assert.equal(r.message.text, 'Salut Bob, à 10h ☕');
      assert.deepEqual(r.message.attachments, []);
      assert.deepEqual(
        { ...r.message.plaintext, sig: undefined },
        { v: 2, id: env.id, from: 'alice', cert: alice.serial, to: 'bob', sentAt: env.sentAt, text: r.message.text, sig: undefined },
      );
    }
  });

  it('sent from her phone: cert names the phone, and every device still reads it', async () => {
    const env = await makeEnvelopeV2({
      signKey: alicePhone.key.privateKeys.sign,
      from: 'alice',
      senderCertSerial: alicePhone.serial,
      to: 'bob',
      text: 'from my phone',
      recipients: devicesOf(alice, alicePhone, bob),
    });
    for (const device of [bob, alice, alicePhone]) assert.equal((await openV2As(env, device, alicePhone)).status, 'verified');
    // the laptop's certificate is Alice's too, but not the one that signed
    failedWith(await openV2As(env, bob, alice), 'wrong_sender_certificate');
  });

  it('a device not in keys: not for this device, after the outer signature, nothing decrypted', async () => {
    const env = await sendV2();
    const r = await openV2As(env, bobTablet);
    assert.equal(r.status, 'not_for_this_device');
    if (r.status !== 'not_for_this_device') return;
    assert.equal(r.reason, NOT_FOR_THIS_DEVICE);
    assert.match(r.reason, /before this device was linked/);
    assert.equal(r.envelope.id, env.id);
    // a forged envelope is a failure, not "not for this device"
    failedWith(await openV2As({ ...env, sentAt: new Date(Date.parse(env.sentAt) + 1).toISOString() }, bobTablet), 'bad_outer_signature');
  });

  it("a renewed device reads what was wrapped for its earlier certificate", async () => {
    const env = await sendV2();
    const r = await openEnvelopeV2(env, {
      myCertSerial: bobTablet.serial, // its new certificate, not in keys
      myDecryptKey: bobTablet.key.privateKeys.decrypt,
      earlierKeys: [{ serial: bob.serial, decryptKey: bob.key.privateKeys.decrypt }],
      senderCertificate: alice.cert,
    });
    assert.equal(r.status, 'verified');
  });

  it('a group message carries its epoch; attachments are listed in files and described inside', async () => {
    const hex = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, '0')).join('');
    const b64 = (n: number) => toBase64(crypto.getRandomValues(new Uint8Array(n)));
    const attachments = [1, 2].map((i) => ({ id: hex(32), key: b64(32), iv: b64(12), name: `photo-${i}.jpg`, type: 'image/jpeg', size: 1000 * i, sha256: hex(32) }));
    const group = 'group:' + crypto.randomUUID();
    const env = await sendV2('to the group', { to: group, epoch: 4, attachments, recipients: devicesOf(alice, alicePhone, bob, carol) });
    assert.equal(env.epoch, 4);
    assert.deepEqual(env.files, attachments.map((a) => a.id));
    const r = await openV2As(env, carol);
    assert.equal(r.status, 'verified');
    if (r.status === 'verified') {
      assert.deepEqual(r.message.attachments, attachments);
      assert.equal(r.message.envelope.to, group);
    }
    // the outer signature covers epoch and files
    failedWith(await openV2As({ ...env, epoch: 5 }, carol), 'bad_outer_signature');
    failedWith(await openV2As({ ...env, files: [...env.files!].reverse() }, carol), 'bad_outer_signature');
    // files and attachments that disagree, behind a valid outer signature
    failedWith(await openV2As(await resignV2({ ...env, files: [env.files![0]] }), carol), 'inner_outer_mismatch');
  });

  it('refuses to seal what the server would refuse', async () => {
    await assert.rejects(sendV2('x', { recipients: devicesOf(alicePhone, bob) }), /sending device's certificate/);
    await assert.rejects(sendV2('x', { recipients: devicesOf(alice, bob, bob) }), /listed twice/);
    await assert.rejects(sendV2('x', { to: 'alice' }), /another user/);
    await assert.rejects(sendV2('x', { to: 'group:' + crypto.randomUUID() }), /epoch/);
    await assert.rejects(sendV2('x', { epoch: 1 }), /epoch/);
    await assert.rejects(sendV2('x'.repeat(60_000)), /ct is too long/);
  });

  it('uses a fresh id, IV and key for every message', async () => {
    const [a, b] = await Promise.all([sendV2('same'), sendV2('same')]);
    assert.notEqual(a.id, b.id);
    assert.notEqual(a.iv, b.iv);
    assert.notEqual(a.keys[bob.serial], b.keys[bob.serial]);
  });
});

describe('openEnvelopeV2 catches each tampering', () => {
  it('anything changed after signing, or signed by someone else: bad outer signature', async () => {
    const env = await sendV2();
    for (const changed of [
      { ...env, ct: flip(env.ct) },
      { ...env, keys: { ...env.keys, [bob.serial]: flip(env.keys[bob.serial], 10) } },
      { ...env, to: 'carol' },
    ]) {
      failedWith(await openV2As(changed, bob), 'bad_outer_signature');
    }
    failedWith(await openV2As(await resignV2(env, carol), bob), 'bad_outer_signature');
  });

  it('a tampered inner cert: inner/outer mismatch on cert', async () => {
    const env = await sendV2();
    const fields = { v: 2 as const, id: env.id, from: 'alice', cert: alicePhone.serial, to: 'bob', sentAt: env.sentAt, text: 'which device?' };
    const error = failedWith(await openV2As(await resealV2(env, fields), bob), 'inner_outer_mismatch');
    assert.ok(error instanceof InnerOuterMismatchError);
    assert.equal(error.field, 'cert');
  });

  it('a tampered inner to (a message for Carol sealed to Bob): inner/outer mismatch on to', async () => {
    const env = await sendV2();
    const fields = { v: 2 as const, id: env.id, from: 'alice', cert: alice.serial, to: 'carol', sentAt: env.sentAt, text: 'for Carol only' };
    const error = failedWith(await openV2As(await resealV2(env, fields), bob), 'inner_outer_mismatch');
    assert.equal((error as InnerOuterMismatchError).field, 'to');
    // a group message's plaintext in a 1:1 envelope, too
    const group = { ...fields, to: 'group:' + crypto.randomUUID() };
    assert.equal((failedWith(await openV2As(await resealV2(env, group), bob), 'inner_outer_mismatch') as InnerOuterMismatchError).field, 'to');
  });

  it('a plaintext altered or signed by someone else: bad inner signature', async () => {
    const env = await sendV2();
    const fields = { v: 2 as const, id: env.id, from: 'alice', cert: alice.serial, to: 'bob', sentAt: env.sentAt, text: 'hello' };
    assert.equal((await openV2As(await resealV2(env, fields), bob)).status, 'verified');
    failedWith(await openV2As(await resealV2(env, fields, carol), bob), 'bad_inner_signature');
  });

  it('a v1 plaintext in a v2 envelope: malformed plaintext', async () => {
    const env = await sendV2();
    const fields = { v: 1, id: env.id, from: 'alice', to: 'bob', sentAt: env.sentAt, text: 'old' };
    const plaintext = { ...fields, sig: await signObject(fields, alice.key.privateKeys.sign) };
    const sealed = await sealPlaintextV2(new TextEncoder().encode(jcs(plaintext)), headerOf(env), alice.key.privateKeys.sign, devicesOf(alice, bob));
    failedWith(await openV2As(sealed, bob), 'malformed_plaintext');
  });

  it('a key wrapped for another device in my place: key unwrap failure; altered ciphertext: decrypt failure', async () => {
    const env = await sendV2();
    failedWith(await openV2As(await resignV2({ ...env, keys: { ...env.keys, [bob.serial]: env.keys[alice.serial] } }), bob), 'key_unwrap_failed');
    failedWith(await openV2As(await resignV2({ ...env, ct: flip(env.ct, 3) }), bob), 'decrypt_failed');
  });

  it('not an envelope v2: malformed envelope; the wrong sender certificate: said so', async () => {
    const env = await sendV2();
    for (const bad of [null, { ...env, v: 1 }, { ...env, keys: { bob: env.keys[bob.serial] } }]) failedWith(await openV2As(bad, bob), 'malformed_envelope');
    failedWith(await openV2As(env, bob, carol), 'wrong_sender_certificate');
  });
});

describe('openAnyEnvelope', () => {
  const options = (reader: User) => ({ myLogin: reader.login, myCertSerial: reader.serial, myDecryptKey: reader.key.privateKeys.decrypt, senderCertificate: alice.cert });

  it('a v1 message still opens, and a v2 one too', async () => {
    const v1 = await openAnyEnvelope(await send(), options(bob));
    assert.equal(v1.status, 'verified');
    assert.equal(v1.status === 'verified' && v1.message.text, 'Salut Bob, rendez-vous à 10h ☕');
    assert.equal(v1.status === 'verified' && v1.message.plaintext.v, 1);
    const v2 = await openAnyEnvelope(await sendV2(), options(bob));
    assert.equal(v2.status === 'verified' && v2.message.plaintext.v, 2);
    assert.equal((await openAnyEnvelope(await sendV2(), options(bobTablet))).status, 'not_for_this_device');
  });

  it('a v1 message tries the earlier keys; failures are results, with their code', async () => {
    const env = await send();
    const r = await openAnyEnvelope(env, { ...options(bobTablet), earlierKeys: [{ serial: bob.serial, decryptKey: bob.key.privateKeys.decrypt }] });
    assert.equal(r.status, 'verified');
    const failed = await openAnyEnvelope({ ...env, ct: flip(env.ct) }, options(bob));
    assert.equal(failed.status === 'failed' && failed.error.code, 'bad_outer_signature');
    const unknown = await openAnyEnvelope({ ...env, v: 3 }, options(bob));
    assert.equal(unknown.status === 'failed' && unknown.error.code, 'malformed_envelope');
    assert.match(unknown.status === 'failed' ? unknown.error.message : '', /v must be 1 or 2/);
  });
});
