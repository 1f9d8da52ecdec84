// Group conversations on the client (src/client/groups.ts, protocol §7), without a browser: a
// group message is verified only when its sender was a member at the envelope's epoch; sealing
// wraps the key for every current certificate of every member, and wraps again when the server
// says the recipients changed; the proof of a group message names the group and its members.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKey, type KeyPair } from '../src/client/keys.ts';
import { openEnvelopeV2 } from '../src/client/envelope.ts';
import { changeText, membersAt, seenBy, sealForGroup, senderWasMember, sendWithRewrap, type GroupNow } from '../src/client/groups.ts';
import { exportProof, ProofError, verifyProof } from '../src/client/proof.ts';
import { groupAddress, type GroupEvent } from '../src/protocol/groups.ts';
import type { EnvelopeV2 } from '../src/protocol/envelope.ts';
import type { x509 } from '../src/client/x509.ts';
import { testCa, type TestCa } from './helpers/ca.ts';

interface Device {
  login: string;
  key: KeyPair;
  cert: x509.X509Certificate;
  serial: string;
}
const GROUP = '3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b';
const at = '2026-11-24T10:00:00.000Z';
let ca: TestCa;
/** alice; bob on two devices; carol. */
let alice: Device, bobLaptop: Device, bobPhone: Device, carol: Device;

before(async () => {
  ca = await testCa();
  const issue = async (login: string): Promise<Device> => {
    const key = await generateKey();
    key.forget();
    const cert = await ca.issue(login, key.spki);
    return { login, key, cert, serial: cert.serialNumber.toLowerCase() };
  };
  [alice, bobLaptop, bobPhone, carol] = await Promise.all([issue('alice'), issue('bob'), issue('bob'), issue('carol')]);
});

/** Created by alice with bob and carol (1), carol removed (2), carol added again (3). */
const history: GroupEvent[] = [
  { id: GROUP, epoch: 1, change: { op: 'create', name: 'Procurement', members: ['alice', 'bob', 'carol'], by: 'alice', at } },
  { id: GROUP, epoch: 2, change: { op: 'remove', login: 'carol', by: 'alice', at } },
  { id: GROUP, epoch: 3, change: { op: 'add', login: 'carol', by: 'alice', at } },
];
const devicesOf = (login: string) => [alice, bobLaptop, bobPhone, carol].filter((d) => d.login === login);
const recipient = (d: Device) => ({ serial: d.serial, publicKey: d.key.publicKeys.encrypt });
const groupAt = (epoch: number, members: string[]): GroupNow => ({ id: GROUP, epoch, members: members.map((login) => ({ login, role: 'member' as const, since: at })) });

function sealer(group: () => GroupNow) {
  return {
    group: async () => group(),
    certificates: async (login: string) => devicesOf(login).map(recipient),
  };
}

const message = (from: Device, text: string) => ({ signKey: from.key.privateKeys.sign, from: from.login, senderCertSerial: from.serial, text });

describe('membership at the envelope epoch', () => {
  it('a member at that epoch is verified; someone removed at that epoch is not, whatever the signatures', async () => {
    const fromCarol = await sealForGroup(message(carol, 'while a member'), sealer(() => groupAt(1, ['alice', 'bob', 'carol'])));
    const opened = await openEnvelopeV2(fromCarol, { myCertSerial: bobPhone.serial, myDecryptKey: bobPhone.key.privateKeys.decrypt, senderCertificate: carol.cert });
    assert.equal(opened.status, 'verified');
    assert.deepEqual(senderWasMember(fromCarol, GROUP, history).ok, true);

    // The same sender, sealed (and signed correctly) at the epoch she was out of the group.
    const outside = await sealForGroup(message(carol, 'after removal'), sealer(() => groupAt(2, ['alice', 'bob', 'carol'])));
    assert.equal((await openEnvelopeV2(outside, { myCertSerial: bobLaptop.serial, myDecryptKey: bobLaptop.key.privateKeys.decrypt, senderCertificate: carol.cert })).status, 'verified');
    const check = senderWasMember(outside, GROUP, history);
    assert.equal(check.ok, false);
    if (!check.ok) {
      assert.equal(check.code, 'not_a_member');
      assert.match(check.reason, /carol was not a member of the group at that time/);
    }
    // Back in the group at epoch 3.
    assert.equal(senderWasMember({ from: 'carol', to: groupAddress(GROUP), epoch: 3 }, GROUP, history).ok, true);
  });

  it('an epoch past the history held is "unknown" (read the group again), another group is refused', () => {
    const later = senderWasMember({ from: 'bob', to: groupAddress(GROUP), epoch: 4 }, GROUP, history);
    assert.equal(!later.ok && later.code, 'unknown_epoch');
    const other = senderWasMember({ from: 'bob', to: groupAddress('0f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b'), epoch: 1 }, GROUP, history);
    assert.equal(!other.ok && other.code, 'not_this_group');
    assert.equal(!senderWasMember({ from: 'bob', to: 'alice' }, GROUP, history).ok, true);
  });

  it('membersAt: the members at an epoch, the current ones when the history does not say', () => {
    assert.deepEqual([...membersAt(history, 2, [])].sort(), ['alice', 'bob']);
    assert.deepEqual([...membersAt(history, 9, ['x', 'y'])], ['x', 'y']);
  });
});

describe('sealing for a group', () => {
  it('wraps the key for every current certificate of every member, at the current epoch', async () => {
    const e = await sealForGroup(message(alice, 'hello all'), sealer(() => groupAt(3, ['alice', 'bob', 'carol'])));
    assert.equal(e.to, groupAddress(GROUP));
    assert.equal(e.epoch, 3);
    assert.deepEqual(Object.keys(e.keys).sort(), [alice, bobLaptop, bobPhone, carol].map((d) => d.serial).sort());
    for (const d of [bobLaptop, bobPhone, carol]) {
      const opened = await openEnvelopeV2(e, { myCertSerial: d.serial, myDecryptKey: d.key.privateKeys.decrypt, senderCertificate: alice.cert });
      assert.equal(opened.status, 'verified', d.login);
      if (opened.status === 'verified') assert.equal(opened.message.text, 'hello all');
    }
  });

  it('on 409 recipients_changed reads the group and certificates again, wraps again and resends', async () => {
    let server: GroupNow = groupAt(3, ['alice', 'bob', 'carol']);
    let reads = 0;
    const freshness: boolean[] = [];
    const deps = {
      group: async (fresh: boolean) => {
        freshness.push(fresh);
        reads++;
        // What the page had: before carol was removed (epoch 3). The server moved on meanwhile.
        return reads === 1 ? groupAt(3, ['alice', 'bob', 'carol']) : server;
      },
      certificates: async (login: string) => devicesOf(login).map(recipient),
    };
    server = groupAt(4, ['alice', 'bob']);
    const posted: EnvelopeV2[] = [];
    const sent = await sendWithRewrap(
      (fresh) => sealForGroup(message(alice, 'after the change'), deps, fresh),
      async (e) => {
        posted.push(e);
        if (e.epoch !== server.epoch) throw Object.assign(new Error('recipients changed'), { code: 'recipients_changed' });
      },
    );
    assert.deepEqual(freshness, [false, true]);
    assert.equal(posted.length, 2);
    assert.equal(sent.epoch, 4);
    assert.deepEqual(Object.keys(sent.keys).sort(), [alice, bobLaptop, bobPhone].map((d) => d.serial).sort(), 'carol no longer gets the key');
  });

  it('gives up after the attempts allowed, and never retries other refusals', async () => {
    let posts = 0;
    const refuse = (code: string) => async () => {
      posts++;
      throw Object.assign(new Error(code), { code });
    };
    await assert.rejects(sendWithRewrap(async () => ({}), refuse('recipients_changed'), 3), /recipients_changed/);
    assert.equal(posts, 3);
    posts = 0;
    await assert.rejects(sendWithRewrap(async () => ({}), refuse('forbidden')), /forbidden/);
    assert.equal(posts, 1);
  });
});

describe('the words of a group conversation', () => {
  it('says each change with who made it', () => {
    assert.equal(changeText({ op: 'add', login: 'bob', by: 'alice', at }, 'carol'), 'alice added bob');
    assert.equal(changeText({ op: 'remove', login: 'carol', by: 'alice', at }, 'carol'), 'alice removed you');
    assert.equal(changeText({ op: 'leave', login: 'bob', by: 'bob', at }, 'alice'), 'bob left');
    assert.equal(changeText({ op: 'rename', name: 'Buyers', by: 'alice', at }, 'alice'), 'You renamed the group to “Buyers”');
    assert.equal(changeText({ op: 'admin', login: 'bob', by: 'alice', at }, 'carol'), 'bob is now an admin');
  });

  it('names people as the directory has them, the login for anyone it does not list', () => {
    const names: Record<string, string> = { alice: 'Alice Martin', bob: 'Bob Trabelsi' };
    const nameOf = (login: string) => names[login] ?? login;
    assert.equal(changeText({ op: 'create', name: 'Procurement', members: ['alice', 'bob', 'carol'], by: 'alice', at }, 'carol', nameOf), 'Alice Martin created the group “Procurement”');
    assert.equal(changeText({ op: 'add', login: 'bob', by: 'alice', at }, 'carol', nameOf), 'Alice Martin added Bob Trabelsi');
    assert.equal(changeText({ op: 'remove', login: 'carol', by: 'alice', at }, 'carol', nameOf), 'Alice Martin removed you');
    assert.equal(changeText({ op: 'add', login: 'dan', by: 'carol', at }, 'carol', nameOf), 'You added dan');
    assert.equal(changeText({ op: 'leave', login: 'bob', by: 'bob', at }, 'alice', nameOf), 'Bob Trabelsi left');
    assert.equal(changeText({ op: 'admin', login: 'bob', by: 'alice', at }, 'carol', nameOf), 'Bob Trabelsi is now an admin');
  });

  it('counts who has read up to a message among the others who were members then', () => {
    const members = new Set(['alice', 'bob', 'carol', 'dan']);
    const position = (id: string) => ({ m1: 1, m2: 2, m3: 3 })[id];
    const marks = new Map([
      ['bob', { seq: 30, id: 'm3' }],
      ['carol', { seq: 20, id: 'm2' }],
      ['dan', { seq: 10, id: 'm1' }],
    ]);
    assert.deepEqual(seenBy({ position: 2, from: 'alice', members }, marks, position, 30), { readers: ['bob', 'carol'], of: 3 });
    // A mark newer than every message shown counts as read, even before its id is known.
    assert.deepEqual(seenBy({ position: 3, from: 'alice', members }, new Map([['dan', { seq: 40 }]]), position, 30), { readers: ['dan'], of: 3 });
  });
});

describe('the proof of a group message', () => {
  it('names the group and its members at the epoch, and must agree with the signed message', async () => {
    const e = await sealForGroup(message(bobPhone, 'signed for the group'), sealer(() => groupAt(3, ['alice', 'bob', 'carol'])));
    const opened = await openEnvelopeV2(e, { myCertSerial: alice.serial, myDecryptKey: alice.key.privateKeys.decrypt, senderCertificate: bobPhone.cert });
    assert.equal(opened.status, 'verified');
    if (opened.status !== 'verified') return;
    const group = { id: GROUP, name: 'Procurement', epoch: 3, members: ['carol', 'alice', 'bob'] };
    const bundle = exportProof(opened.message, ca.chainPem, group);
    assert.deepEqual(bundle.group, { ...group, members: ['alice', 'bob', 'carol'] });
    const result = await verifyProof(JSON.parse(JSON.stringify(bundle)), ca.rootPem);
    assert.equal(result.group?.name, 'Procurement');
    assert.equal(result.signer.login, 'bob');
    // Another group, or members without the sender: refused.
    await assert.rejects(verifyProof({ ...bundle, group: { ...group, id: '0f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b' } }, ca.rootPem), ProofError);
    await assert.rejects(verifyProof({ ...bundle, group: { ...group, members: ['alice', 'carol'] } }, ca.rootPem), ProofError);
  });
});
