// The relay's acceptance rules (src/chat/relay.ts) against in-memory fakes of its ports: no HTTP,
// no SQLite, no child process. Envelopes are made by the client code with WebCrypto keys, and
// certified by a real CA in process, so the outer signature is checked for real.
import { FakeGroupStore } from './fakes/groups.ts';
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Relay } from '../src/chat/relay.ts';
import { Hub, type HubEvent } from '../src/chat/hub.ts';
import { Presence } from '../src/chat/presence.ts';
import { makeEnvelope } from '../src/client/envelope.ts';
import { generateKey, type NewKey } from '../src/client/keys.ts';
import { CertificateRejected, DomainError } from '../src/protocol/errors.ts';
import type { Envelope } from '../src/protocol/envelope.ts';
import { fingerprint, keyHash } from '../src/pki/x509.ts';
import type { CertificateRecord } from '../src/pki/records.ts';
import { testCa, type TestCa } from './helpers/ca.ts';
import { FakeCertificateRecords } from './fakes/certificate-records.ts';
import { FakeDirectory } from './fakes/directory.ts';
import { FakeMessageStore } from './fakes/messages.ts';
import { FakeAttachmentRecords } from './fakes/attachments.ts';
import { FakeLastSeen } from './fakes/last-seen.ts';

const MINUTE = 60_000;
const T0 = new Date();

let ca: TestCa;
let alice: NewKey;
let bob: NewKey;

before(async () => {
  [ca, alice, bob] = await Promise.all([testCa(), generateKey(), generateKey()]);
});

async function certify(login: string, key: NewKey, notBefore = T0): Promise<CertificateRecord> {
  const cert = await ca.issue(login, key.spki, notBefore);
  const der = new Uint8Array(cert.rawData);
  return {
    serial: cert.serialNumber.toLowerCase(),
    login,
    fingerprint: await fingerprint(der),
    der,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    issuedAt: notBefore.toISOString(),
    state: 'issued',
    keyHash: keyHash(key.spki),
  };
}

interface World {
  relay: Relay;
  clock: { now: Date };
  records: FakeCertificateRecords;
  directory: FakeDirectory;
  store: FakeMessageStore;
  lastSeen: FakeLastSeen;
  events: HubEvent[];
  aliceCert: CertificateRecord;
  bobCert: CertificateRecord;
}

/** Alice and Bob registered, each holding one issued certificate; the clock at T0. */
async function world(): Promise<World> {
  const records = new FakeCertificateRecords();
  const directory = new FakeDirectory();
  const [aliceCert, bobCert] = await Promise.all([certify('alice', alice), certify('bob', bob)]);
  for (const [c, card] of [[aliceCert, '10000001'], [bobCert, '10000002']] as const) {
    records.seed(c);
    directory.seed({ login: c.login, cardNumber: card, firstName: 'T', lastName: 'U', email: `${c.login}@example.org`, passwordHash: 'x', certificate: c.der, createdAt: c.issuedAt });
  }
  const clock = { now: T0 };
  const now = () => clock.now;
  const store = new FakeMessageStore();
  const lastSeen = new FakeLastSeen();
  const hub = new Hub();
  const events: HubEvent[] = [];
  hub.subscribe('bob', (e) => events.push(e));
  const relay = new Relay({ directory, records, store, groups: new FakeGroupStore(), uploads: new FakeAttachmentRecords(), hub, presence: new Presence(lastSeen, now), now });
  return { relay, clock, records, directory, store, lastSeen, events, aliceCert, bobCert };
}

function envelope(w: World, o: { from?: string; to?: string; cert?: string; sentAt?: Date; signer?: NewKey; id?: string; recipient?: NewKey } = {}): Promise<Envelope> {
  return makeEnvelope({
    from: o.from ?? 'alice',
    to: o.to ?? 'bob',
    text: 'hello',
    senderCertSerial: o.cert ?? w.aliceCert.serial,
    signKey: (o.signer ?? alice).privateKeys.sign,
    recipientPublicKey: (o.recipient ?? bob).publicKeys.encrypt,
    senderPublicKey: alice.publicKeys.encrypt,
    sentAt: o.sentAt ?? w.clock.now,
    ...(o.id ? { id: o.id } : {}),
  });
}

const rejected = (reason: string) => (err: unknown) => {
  assert.ok(err instanceof DomainError, String(err));
  assert.equal(err.code, 'message_rejected');
  assert.equal(err.extra?.reason, reason);
  return true;
};
const certificate = (reason: string) => (err: unknown) => {
  assert.ok(err instanceof CertificateRejected, String(err));
  assert.equal(err.reason, reason);
  return true;
};

describe('Relay.accept', () => {
  it('stores a valid envelope, announces it to the recipient and marks the sender seen', async () => {
    const w = await world();
    const e = await envelope(w);
    const stored = await w.relay.accept('alice', e);
    assert.equal(stored.seq, 1);
    assert.equal(stored.receivedAt, T0.toISOString());
    assert.deepEqual(stored.envelope, e);
    assert.deepEqual((await w.store.forUser('bob', 0, 10)).map((m) => m.envelope.id), [e.id]);
    assert.deepEqual(w.events, [{ type: 'message', message: stored }]);
    assert.equal(await w.lastSeen.get('alice'), T0.toISOString());
  });

  it('refuses an envelope whose sender is not the session login (forbidden, not_sender)', async () => {
    const w = await world();
    const e = await envelope(w);
    await assert.rejects(w.relay.accept('bob', e), (err: unknown) => {
      assert.ok(err instanceof DomainError);
      assert.equal(err.code, 'forbidden');
      assert.equal(err.extra?.reason, 'not_sender');
      return true;
    });
    assert.equal(w.store.size, 0);
    assert.equal(w.events.length, 0);
  });

  it('accepts sentAt up to 5 minutes from the server clock either way, and refuses beyond (clock_skew)', async () => {
    const w = await world();
    const sentAt = new Date(T0.getTime() + 60 * MINUTE); // well inside the certificate's validity
    for (const offset of [5 * MINUTE, -5 * MINUTE]) {
      w.clock.now = new Date(sentAt.getTime() + offset);
      await w.relay.accept('alice', await envelope(w, { sentAt }));
    }
    for (const offset of [5 * MINUTE + 1, -5 * MINUTE - 1]) {
      w.clock.now = new Date(sentAt.getTime() + offset);
      await assert.rejects(w.relay.accept('alice', await envelope(w, { sentAt })), rejected('clock_skew'));
    }
    assert.equal(w.store.size, 2);
  });

  it("refuses a certificate that is not the sender's current one (not_owner): another's, a superseded one, an unknown serial", async () => {
    const w = await world();
    // Bob's serial on Alice's envelope.
    await assert.rejects(w.relay.accept('alice', await envelope(w, { cert: w.bobCert.serial })), certificate('not_owner'));
    // Alice renews: her old certificate is still on record, superseded, no longer hers to send with.
    const renewed = await certify('alice', await generateKey());
    w.records.seed(renewed);
    await w.directory.setCertificate('alice', renewed.der);
    assert.ok(await w.records.revoke(w.aliceCert.serial, 'superseded', T0.toISOString()));
    await assert.rejects(w.relay.accept('alice', await envelope(w)), certificate('not_owner'));
    await assert.rejects(w.relay.accept('alice', await envelope(w, { cert: '0123456789abcdef0123456789abcdef' })), certificate('not_owner'));
    assert.equal(w.store.size, 0);
  });

  it('refuses a revoked certificate (revoked)', async () => {
    const w = await world();
    assert.ok(await w.records.revoke(w.aliceCert.serial, 'keyCompromise', T0.toISOString()));
    await assert.rejects(w.relay.accept('alice', await envelope(w)), certificate('revoked'));
    assert.equal(w.store.size, 0);
  });

  it('refuses a certificate past its notAfter (expired) and one before its notBefore (not_yet_valid)', async () => {
    const w = await world();
    w.clock.now = new Date(Date.parse(w.aliceCert.notAfter) + 1000);
    await assert.rejects(w.relay.accept('alice', await envelope(w)), certificate('expired'));
    w.clock.now = new Date(Date.parse(w.aliceCert.notBefore) - 1000);
    await assert.rejects(w.relay.accept('alice', await envelope(w)), certificate('not_yet_valid'));
    // At its very last valid second it is still good.
    w.clock.now = new Date(Date.parse(w.aliceCert.notAfter));
    await w.relay.accept('alice', await envelope(w));
    assert.equal(w.store.size, 1);
  });

  it('refuses a recipient nobody is registered as (unknown_recipient)', async () => {
    const w = await world();
    await assert.rejects(w.relay.accept('alice', await envelope(w, { to: 'carol' })), rejected('unknown_recipient'));
    assert.equal(w.store.size, 0);
  });

  it('refuses an id already accepted (replay), even inside a different envelope', async () => {
    const w = await world();
    const e = await envelope(w);
    await w.relay.accept('alice', e);
    const isReplay = (err: unknown) => err instanceof DomainError && err.code === 'replay' && err.extra?.reason === 'replay';
    await assert.rejects(w.relay.accept('alice', e), isReplay);
    await assert.rejects(w.relay.accept('alice', await envelope(w, { id: e.id })), isReplay);
    assert.equal(w.store.size, 1);
    assert.equal(w.events.length, 1);
  });

  it('refuses an envelope whose outer signature does not verify (bad_signature): altered, or signed by another key', async () => {
    const w = await world();
    const e = await envelope(w);
    const altered = { ...e, ct: e.ct.slice(0, -4) + (e.ct.endsWith('AAAA') ? 'BBBB' : 'AAAA') };
    await assert.rejects(w.relay.accept('alice', altered), rejected('bad_signature'));
    await assert.rejects(w.relay.accept('alice', await envelope(w, { signer: bob })), rejected('bad_signature'));
    assert.equal(w.store.size, 0);
    // A refused envelope takes no id: the genuine one still goes through.
    await w.relay.accept('alice', e);
    assert.equal(w.store.size, 1);
  });
});
