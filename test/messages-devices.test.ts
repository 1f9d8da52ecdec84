// Protocol §7's envelope for 1:1 messages between people with several devices, through the real
// HTTP server with keys made by WebCrypto: the key wrapped for exactly the current certificates of
// both people, the sender's other devices included; 409 recipients_changed with what is expected
// otherwise (a version 1 client included, once someone has a second device); and every device of
// both people opening the message.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { apiLogin, envelopeFor, send, webUser, type WebUser } from './helpers/webuser.ts';
import { openEvents } from './helpers/sse.ts';
import { generateKey } from '../src/client/keys.ts';
import { makeCsr } from '../src/client/csr.ts';
import { makeEnvelopeV2, openEnvelopeV2, type RecipientCertificate } from '../src/client/envelope.ts';
import { x509 } from '../src/client/x509.ts';
import { importPublicKeys } from '../src/client/keys.ts';
import type { CurrentCertificateEntry } from '../src/protocol/devices.ts';

let s: InProcess;
before(async () => {
  s = await startInProcess();
});
after(() => s.close());

/** Another device of `u`: its own WebCrypto key, certified as an approved link would be, logged in. */
async function device(u: WebUser, name: string): Promise<WebUser> {
  const key = await generateKey();
  const issued = await s.service.lifecycle.link(u.login, await makeCsr(key, u.login), name);
  const d = { ...u, key, certificate: issued.certificate, serial: issued.serial, token: '' };
  return { ...d, token: await apiLogin(s.url, d) };
}

/** What a sender wraps for: every current certificate of `login`, as the server lists them. */
async function certificatesOf(login: string, token: string): Promise<RecipientCertificate[]> {
  const res = await fetch(`${s.url}/api/v1/users/${login}/certificates`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  return Promise.all(
    ((await res.json()) as CurrentCertificateEntry[]).map(async (c) => ({ serial: c.serial, publicKey: (await importPublicKeys(new x509.X509Certificate(c.certificate))).encrypt })),
  );
}

async function v2(from: WebUser, to: string, text: string, recipients: RecipientCertificate[]) {
  return makeEnvelopeV2({ signKey: from.key.privateKeys.sign, from: from.login, senderCertSerial: from.serial, to, text, recipients });
}

describe('messages to every device (protocol §7, 1:1)', () => {
  it("reach and open on each of the sender's and the recipient's devices", async () => {
    const ann = await webUser(s.url, 'mdann');
    const bob = await webUser(s.url, 'mdbob');
    const annPhone = await device(ann, 'Phone');
    const bobTablet = await device(bob, 'Tablet');
    const streams = await Promise.all([ann, bob, bobTablet].map((d) => openEvents(s.url, d.token)));
    try {
      await Promise.all(streams.map((e) => e.waitFor('ready')));
      const recipients = [...(await certificatesOf(ann.login, annPhone.token)), ...(await certificatesOf(bob.login, annPhone.token))];
      assert.equal(recipients.length, 4);
      const e = await v2(annPhone, bob.login, 'from my phone, to all of you', recipients);
      const sent = await send(s.url, annPhone, e);
      assert.equal(sent.status, 201, JSON.stringify(sent.json));

      for (const [d, stream] of [
        [ann, streams[0]],
        [bob, streams[1]],
        [bobTablet, streams[2]],
      ] as const) {
        const [got] = await stream.waitFor('message');
        const opened = await openEnvelopeV2(JSON.parse(got.data), { myCertSerial: d.serial, myDecryptKey: d.key.privateKeys.decrypt, senderCertificate: annPhone.certificate });
        assert.equal(opened.status, 'verified', `${d.login} ${d.serial}: ${JSON.stringify(opened)}`);
        if (opened.status === 'verified') assert.equal(opened.message.text, 'from my phone, to all of you');
      }
      // The phone that sent it opens its own copy too (history).
      const history = await fetch(`${s.url}/api/v1/messages?with=${bob.login}`, { headers: { authorization: `Bearer ${annPhone.token}` } });
      const [mine] = ((await history.json()) as { messages: unknown[] }).messages;
      const own = await openEnvelopeV2(mine, { myCertSerial: annPhone.serial, myDecryptKey: annPhone.key.privateKeys.decrypt, senderCertificate: annPhone.certificate });
      assert.equal(own.status, 'verified');
    } finally {
      for (const e of streams) e.close();
    }
  });

  it('refuses keys for anything but exactly the current certificates, with the ones expected', async () => {
    const ann = await webUser(s.url, 'mdrann');
    const bob = await webUser(s.url, 'mdrbob');
    const bobPhone = await device(bob, 'Phone');
    const all = [...(await certificatesOf(ann.login, ann.token)), ...(await certificatesOf(bob.login, ann.token))];
    const expected = all.map((c) => c.serial).sort();
    const stranger = await webUser(s.url, 'mdrx');
    const strangerKey = (await certificatesOf(stranger.login, ann.token))[0];

    for (const [what, recipients] of [
      ["without bob's phone", all.filter((c) => c.serial !== bobPhone.serial)],
      ['with a stranger too', [...all, strangerKey]],
    ] as const) {
      const refused = await send(s.url, ann, await v2(ann, bob.login, what, [...recipients]));
      assert.equal(refused.status, 409, what);
      assert.equal(refused.json.error, 'recipients_changed');
      assert.deepEqual(refused.json.expected, expected, what);
    }

    // A device retired between two messages: the next one must leave it out.
    const ok = await send(s.url, ann, await v2(ann, bob.login, 'all four', all));
    assert.equal(ok.status, 201, JSON.stringify(ok.json));
    const retired = await fetch(`${s.url}/api/v1/devices/${bobPhone.serial}`, { method: 'DELETE', headers: { authorization: `Bearer ${bob.token}` } });
    assert.equal(retired.status, 200);
    const stale = await send(s.url, ann, await v2(ann, bob.login, 'still for the phone', all));
    assert.equal(stale.status, 409);
    assert.deepEqual(stale.json.expected, expected.filter((x) => x !== bobPhone.serial));
    const fresh = await send(s.url, ann, await v2(ann, bob.login, 'without the phone', await certificatesOf(bob.login, ann.token).then((b) => [all.find((c) => c.serial === ann.serial)!, ...b])));
    assert.equal(fresh.status, 201, JSON.stringify(fresh.json));
  });

  it('keeps version 1 working while each has one certificate, and tells a version 1 client to move on once not', async () => {
    const ann = await webUser(s.url, 'mdvann');
    const bob = await webUser(s.url, 'mdvbob');
    const before = await send(s.url, ann, await envelopeFor(ann, bob, 'version 1, one device each'));
    assert.equal(before.status, 201, JSON.stringify(before.json));
    const bobPhone = await device(bob, 'Phone');
    const after = await send(s.url, ann, await envelopeFor(ann, bob, 'version 1, but bob has two'));
    assert.equal(after.status, 409);
    assert.equal(after.json.error, 'recipients_changed');
    assert.deepEqual(after.json.expected, [ann.serial, bob.serial, bobPhone.serial].sort());
    assert.match(after.json.message, /version 2/);
  });
});
