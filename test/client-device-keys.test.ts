// Opening with every key one device holds (src/client/device-keys.ts): the current key, earlier
// keys by their serial, and earlier keys whose serial the browser does not know (from a backup
// file), tried on the entries nobody claims; a message from before the device was linked is told
// from a failed one, for either version.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKey, type KeyPair } from '../src/client/keys.ts';
import { makeEnvelope, makeEnvelopeV2, signObject } from '../src/client/envelope.ts';
import { unsigned } from '../src/protocol/envelope.ts';
import { openWithDeviceKeys, sentBeforeThisDevice, type DeviceKeys } from '../src/client/device-keys.ts';
import { fromBase64, toBase64 } from '../src/protocol/base64.ts';
import type { x509 } from '../src/client/x509.ts';
import { testCa } from './helpers/ca.ts';

interface Cert {
  login: string;
  key: KeyPair;
  cert: x509.X509Certificate;
  serial: string;
}
/** Alice; Bob's laptop before and after a renewal, and his tablet. */
let alice: Cert, laptopOld: Cert, laptopNow: Cert, tablet: Cert;

before(async () => {
  const ca = await testCa();
  const issue = async (login: string): Promise<Cert> => {
    const key = await generateKey();
    key.forget();
    const cert = await ca.issue(login, key.spki);
    return { login, key, cert, serial: cert.serialNumber.toLowerCase() };
  };
  [alice, laptopOld, laptopNow, tablet] = await Promise.all([issue('alice'), issue('bob'), issue('bob'), issue('bob')]);
});

const v2For = (text: string, recipients: Cert[]) =>
  makeEnvelopeV2({
    signKey: alice.key.privateKeys.sign,
    from: 'alice',
    senderCertSerial: alice.serial,
    to: 'bob',
    text,
    recipients: [alice, ...recipients].map((c) => ({ serial: c.serial, publicKey: c.key.publicKeys.encrypt })),
  });

const laptop = (earlierSerial?: string): DeviceKeys => ({
  login: 'bob',
  serial: laptopNow.serial,
  decryptKey: laptopNow.key.privateKeys.decrypt,
  earlier: [{ serial: earlierSerial, decryptKey: laptopOld.key.privateKeys.decrypt }],
});
const tabletKeys = (): DeviceKeys => ({ login: 'bob', serial: tablet.serial, decryptKey: tablet.key.privateKeys.decrypt, earlier: [] });

describe('opening with the keys of one device', () => {
  it('opens with the current key, and with an earlier key by its serial', async () => {
    const now = await openWithDeviceKeys(await v2For('after the renewal', [laptopNow]), alice.cert, laptop(laptopOld.serial));
    assert.equal(now.status, 'verified');
    const before = await openWithDeviceKeys(await v2For('before the renewal', [laptopOld]), alice.cert, laptop(laptopOld.serial));
    assert.equal(before.status, 'verified');
    if (before.status === 'verified') assert.equal(before.message.text, 'before the renewal');
  });

  it('opens with an earlier key whose serial is unknown, tried on the entries nobody claims', async () => {
    const e = await v2For('before the renewal, key from a backup file', [tablet, laptopOld]);
    const opened = await openWithDeviceKeys(e, alice.cert, laptop(undefined));
    assert.equal(opened.status, 'verified');
    // Version 1 wraps for the login: the earlier key is tried there too.
    const v1 = await makeEnvelope({
      from: 'alice',
      to: 'bob',
      text: 'version 1, before the renewal',
      senderCertSerial: alice.serial,
      signKey: alice.key.privateKeys.sign,
      recipientPublicKey: laptopOld.key.publicKeys.encrypt,
      senderPublicKey: alice.key.publicKeys.encrypt,
    });
    assert.equal((await openWithDeviceKeys(v1, alice.cert, laptop(undefined))).status, 'verified');
  });

  it('a message altered after the key unwraps is a failure, not "not for this device"', async () => {
    const e = await v2For('altered', [laptopOld]);
    const ct = fromBase64(e.ct);
    ct[0] ^= 1;
    // The outer signature would catch it first: the altered envelope is signed again by the sender's key.
    const body = unsigned({ ...e, ct: toBase64(ct) });
    const resigned = { ...body, sig: await signObject(body, alice.key.privateKeys.sign) };
    const opened = await openWithDeviceKeys(resigned, alice.cert, laptop(undefined));
    assert.equal(opened.status, 'failed');
    if (opened.status === 'failed') assert.equal(opened.error.code, 'decrypt_failed');
  });

  it('a message with no key for the device is "not for this device", for either version', async () => {
    const e = await v2For('before the tablet', [laptopNow]);
    assert.equal((await openWithDeviceKeys(e, alice.cert, tabletKeys())).status, 'not_for_this_device');
    assert.equal((await openWithDeviceKeys(e, alice.cert, { ...tabletKeys(), earlier: [{ decryptKey: laptopOld.key.privateKeys.decrypt }] })).status, 'not_for_this_device');

    const sentAt = new Date(Date.now() - 60_000);
    const v1 = await makeEnvelope({
      from: 'alice',
      to: 'bob',
      text: 'version 1, before the tablet',
      sentAt,
      senderCertSerial: alice.serial,
      signKey: alice.key.privateKeys.sign,
      recipientPublicKey: laptopNow.key.publicKeys.encrypt,
      senderPublicKey: alice.key.publicKeys.encrypt,
    });
    const opened = await openWithDeviceKeys(v1, alice.cert, tabletKeys());
    assert.equal(opened.status, 'failed');
    if (opened.status !== 'failed') return;
    assert.equal(opened.error.code, 'key_unwrap_failed');
    assert.equal(sentBeforeThisDevice(v1, opened.error.code, tabletKeys(), new Date()), true);
    // A certificate issued in the same second, just after the message: its notBefore is that
    // second, cut down to it, so it may read as earlier than the message.
    const sameSecond = new Date(Math.floor(sentAt.getTime() / 1000) * 1000);
    assert.equal(sentBeforeThisDevice(v1, opened.error.code, tabletKeys(), sameSecond), true);
    // Sent after the device's certificate began, or on a device with earlier keys: a failure as it is.
    assert.equal(sentBeforeThisDevice(v1, opened.error.code, tabletKeys(), new Date(sentAt.getTime() - 1001)), false);
    assert.equal(sentBeforeThisDevice(v1, opened.error.code, laptop(undefined), new Date()), false);
  });
});
