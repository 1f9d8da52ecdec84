// Protocol §5 in the browser code: a sealed message opens for both parties, and every kind of
// tampering is caught by openEnvelope with its own error, in the order the protocol gives.
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
  openEnvelope,
  sealPlaintext,
  signObject,
  type EnvelopeError,
} from '../src/client/envelope.ts';
import { jcs } from '../src/client/jcs.ts';
import { envelopeSchema, unsigned, type Envelope } from '../src/protocol/envelope.ts';
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

before(async () => {
  const ca = await testCa();
  const user = async (login: string): Promise<User> => {
    const key = await generateKey();
    key.forget();
    const cert = await ca.issue(login, key.spki);
    return { login, key, cert, serial: cert.serialNumber };
  };
  [alice, bob, carol] = await Promise.all([user('alice'), user('bob'), user('carol')]);
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
