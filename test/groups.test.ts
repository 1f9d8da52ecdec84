// Protocol §7 through the real HTTP server, with keys made by WebCrypto as the pages make them:
// a group's life cycle (create, add, rename, admin, remove, leave, the last admin's hand-over) and
// its `event: group`; the relay's rules for group messages (members only, the current epoch,
// exactly every member's current certificates) each refused with the answer that says what to do;
// a removed member gets nothing after the removal; read state per group.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { send, webUser, type WebUser } from './helpers/webuser.ts';
import { openEvents, type EventStream } from './helpers/sse.ts';
import { postJson } from './helpers/users.ts';
import { makeEnvelopeV2, openEnvelopeV2, type RecipientCertificate } from '../src/client/envelope.ts';
import { importPublicKeys } from '../src/client/keys.ts';
import { x509 } from '../src/client/x509.ts';
import type { CurrentCertificateEntry } from '../src/protocol/devices.ts';
import type { FormerGroupSummary, Group, GroupDetail, GroupEvent, GroupRecord, GroupSummary } from '../src/protocol/groups.ts';

let s: InProcess;
before(async () => {
  s = await startInProcess();
});
after(() => s.close());

async function call(method: string, path: string, as: WebUser, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${s.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${as.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function people(n: number, prefix: string): Promise<WebUser[]> {
  return Promise.all(Array.from({ length: n }, () => webUser(s.url, prefix)));
}

async function createGroup(by: WebUser, name: string, others: WebUser[]): Promise<Group> {
  const r = await call('POST', '/groups', by, { name, members: others.map((u) => u.login) });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json as Group;
}

/** What a sender wraps for: every current certificate of every member, as the server lists them. */
async function recipientsOf(group: Group, as: WebUser): Promise<RecipientCertificate[]> {
  const all = await Promise.all(
    group.members.map(async (m) => {
      const r = await call('GET', `/users/${m.login}/certificates`, as);
      assert.equal(r.status, 200);
      return Promise.all(
        (r.json as CurrentCertificateEntry[]).map(async (c) => ({ serial: c.serial, publicKey: (await importPublicKeys(new x509.X509Certificate(c.certificate))).encrypt })),
      );
    }),
  );
  return all.flat();
}

async function sealFor(from: WebUser, group: Group, text: string, recipients?: RecipientCertificate[], epoch = group.epoch) {
  return makeEnvelopeV2({
    signKey: from.key.privateKeys.sign,
    from: from.login,
    senderCertSerial: from.serial,
    to: `group:${group.id}`,
    epoch,
    text,
    recipients: recipients ?? (await recipientsOf(group, from)),
  });
}

const groupEvents = (stream: EventStream) => stream.events.filter((e) => e.event === 'group').map((e) => JSON.parse(e.data) as GroupEvent);

describe('a group through its life (protocol §7)', () => {
  it('is created with its creator as admin, shown to members only, and changed by admins only, each change one epoch', async () => {
    const [ann, bob, cid, dan] = await people(4, 'gl');
    const streams = await Promise.all([ann, bob, cid, dan].map((u) => openEvents(s.url, u.token)));
    try {
      await Promise.all(streams.map((e) => e.waitFor('ready')));
      const g = await createGroup(ann, '  Procurement  ', [bob, cid, ann]);
      assert.match(g.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(g.name, 'Procurement');
      assert.equal(g.epoch, 1);
      assert.deepEqual(
        g.members.map((m) => [m.login, m.role]),
        [[ann.login, 'admin'], ...[bob.login, cid.login].sort().map((l) => [l, 'member'])].sort((a, b) => (a[1] === b[1] ? a[0].localeCompare(b[0]) : a[1] === 'admin' ? -1 : 1)),
      );
      for (const m of g.members) assert.ok(!Number.isNaN(Date.parse(m.since)));

      // Members see it; anyone else learns nothing, not even that it exists.
      const listed = await call('GET', '/groups', bob);
      assert.equal(listed.status, 200);
      const mine = (listed.json as GroupSummary[]).find((x) => x.id === g.id);
      assert.ok(mine);
      assert.deepEqual([mine.unread, mine.lastAt, mine.lastSeq], [0, null, '0']);
      assert.equal((await call('GET', `/groups/${g.id}`, dan)).status, 404);
      assert.equal(((await call('GET', '/groups', dan)).json as GroupSummary[]).some((x) => x.id === g.id), false);

      // A member who is not admin cannot change it.
      const refused = await call('POST', `/groups/${g.id}/members`, bob, { login: dan.login });
      assert.equal(refused.status, 403);
      assert.equal(refused.json.error, 'forbidden');
      assert.equal((await call('PATCH', `/groups/${g.id}`, bob, { name: 'Mine' })).status, 403);
      assert.equal((await call('DELETE', `/groups/${g.id}/members/${cid.login}`, bob)).status, 403);

      const added = await call('POST', `/groups/${g.id}/members`, ann, { login: dan.login });
      assert.equal(added.status, 200, JSON.stringify(added.json));
      assert.equal(added.json.epoch, 2);
      assert.equal((await call('POST', `/groups/${g.id}/members`, ann, { login: dan.login })).status, 409);
      const renamed = await call('PATCH', `/groups/${g.id}`, ann, { name: 'Purchasing' });
      assert.deepEqual([renamed.json.name, renamed.json.epoch], ['Purchasing', 3]);
      const admin = await call('POST', `/groups/${g.id}/admins`, ann, { login: bob.login });
      assert.equal(admin.json.members.find((m: { login: string }) => m.login === bob.login).role, 'admin');
      const removed = await call('DELETE', `/groups/${g.id}/members/${cid.login}`, bob);
      assert.equal(removed.status, 200);
      assert.equal(removed.json.epoch, 5);
      assert.equal(removed.json.members.some((m: { login: string }) => m.login === cid.login), false);
      assert.equal((await call('GET', `/groups/${g.id}`, cid)).status, 404);

      // Every change, to every member before and after it: the removed one hears of the removal.
      const [annS, bobS, cidS, danS] = streams;
      await annS.untilEvents('five group events for the creator', (es) => es.filter((e) => e.event === 'group').length >= 5);
      assert.deepEqual(
        groupEvents(annS).map((e) => [e.epoch, e.change.op, e.change.login ?? e.change.name, e.change.by]),
        [
          [1, 'create', 'Procurement', ann.login],
          [2, 'add', dan.login, ann.login],
          [3, 'rename', 'Purchasing', ann.login],
          [4, 'admin', bob.login, ann.login],
          [5, 'remove', cid.login, bob.login],
        ],
      );
      await cidS.untilEvents('the removal, for the removed one', (es) => es.some((e) => e.event === 'group' && JSON.parse(e.data).change.op === 'remove'));
      await danS.untilEvents('his addition and what followed', (es) => es.filter((e) => e.event === 'group').length >= 4);
      assert.deepEqual(groupEvents(danS).map((e) => e.epoch), [2, 3, 4, 5]);
      await bobS.untilEvents('five events', (es) => es.filter((e) => e.event === 'group').length >= 5);

      // The history is kept in the group: the members at each epoch follow from it.
      const detail = (await call('GET', `/groups/${g.id}`, dan)).json as GroupDetail;
      assert.deepEqual(detail.history.map((e) => e.change.op), ['create', 'add', 'rename', 'admin', 'remove']);
      assert.deepEqual([...(detail.history[0].change.members ?? [])].sort(), [ann.login, bob.login, cid.login].sort());

      // The removed member keeps the group as it was up to the removal (an extension), nobody else learns of it.
      const kept = await call('GET', `/groups/${g.id}/history`, cid);
      assert.equal(kept.status, 200);
      const record = kept.json as GroupRecord;
      assert.deepEqual([record.member, record.name, record.epoch, record.history.at(-1)?.change.op], [false, 'Purchasing', 5, 'remove']);
      const former = (await call('GET', '/groups/former', cid)).json as FormerGroupSummary[];
      assert.deepEqual(former.map((f) => [f.id, f.member, f.unread]), [[g.id, false, 0]]);
      assert.deepEqual((await call('GET', '/groups/former', dan)).json, []);
      assert.equal((await call('GET', `/groups/${g.id}/history`, dan)).json.member, true);
      assert.equal((await call('GET', `/groups/${g.id}/history`, (await people(1, 'gx'))[0])).status, 404);
    } finally {
      for (const e of streams) e.close();
    }
  });

  it('hands over to the member of longest standing when the last admin leaves', async () => {
    const [ann, bob, cid] = await people(3, 'gh');
    const g = await createGroup(ann, 'Hand-over', [bob]);
    // cid joins later than bob: bob has stood longer.
    s.clock.now = new Date(s.clock.now.getTime() + 1000);
    await call('POST', `/groups/${g.id}/members`, ann, { login: cid.login });
    const left = await call('DELETE', `/groups/${g.id}/members/${ann.login}`, ann);
    assert.equal(left.status, 200, JSON.stringify(left.json));
    const after = (await call('GET', `/groups/${g.id}`, bob)).json as GroupDetail;
    assert.deepEqual(after.members.map((m) => [m.login, m.role]), [[bob.login, 'admin'], [cid.login, 'member']]);
    assert.deepEqual(after.history.slice(-2).map((e) => [e.epoch, e.change.op, e.change.login]), [[3, 'leave', ann.login], [4, 'admin', bob.login]]);
    // Anyone may leave; the one who left is no longer shown the group.
    assert.equal((await call('DELETE', `/groups/${g.id}/members/${cid.login}`, cid)).status, 200);
    assert.equal((await call('GET', `/groups/${g.id}`, ann)).status, 404);
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    const [ann, bob] = await people(2, 'gv');
    const none = await call('POST', '/groups', ann, { name: 'Alone', members: [] });
    assert.equal(none.status, 400);
    assert.match(none.json.fields.members, /at least one other/);
    const unknown = await call('POST', '/groups', ann, { name: 'Ghosts', members: [bob.login, 'nobody-here'] });
    assert.equal(unknown.status, 400);
    assert.match(unknown.json.fields.members, /"nobody-here"/);
    const unnamed = await call('POST', '/groups', ann, { name: '   ', members: [bob.login] });
    assert.equal(unnamed.status, 400);
    assert.ok(unnamed.json.fields.name);
    const long = await call('POST', '/groups', ann, { name: 'x'.repeat(65), members: [bob.login] });
    assert.equal(long.status, 400);
    assert.equal(((await call('GET', '/groups', ann)).json as GroupSummary[]).length, 0);
    assert.equal((await call('GET', '/groups/not-a-uuid', ann)).status, 400);
  });
});

describe('the member limit (--max-group-members)', () => {
  it('refuses a group over the limit and an addition to a full group, naming the limit', async () => {
    const small = await startInProcess({ env: { TEKUP_MAX_GROUP_MEMBERS: '3' } });
    try {
      const [ann, bob, cid, dan] = await Promise.all(Array.from({ length: 4 }, () => webUser(small.url, 'gm')));
      const over = await postJson(`${small.url}/api/v1/groups`, { name: 'Too many', members: [bob.login, cid.login, dan.login] }, { authorization: `Bearer ${ann.token}` });
      assert.equal(over.status, 400);
      assert.match(over.json.fields.members, /at most 3 members/);
      const ok = await postJson(`${small.url}/api/v1/groups`, { name: 'Three', members: [bob.login, cid.login] }, { authorization: `Bearer ${ann.token}` });
      assert.equal(ok.status, 201);
      const full = await postJson(`${small.url}/api/v1/groups/${ok.json.id}/members`, { login: dan.login }, { authorization: `Bearer ${ann.token}` });
      assert.equal(full.status, 409);
      assert.equal(full.json.reason, 'group_full');
      assert.match(full.json.message, /full: 3 members at most/);
    } finally {
      await small.close();
    }
  });
});

describe('group messages (protocol §7)', () => {
  it('reach every member, who open them, and are refused with 409 when the epoch or the key set is not the current one', async () => {
    const [ann, bob, cid, out] = await people(4, 'gmsg');
    const g = await createGroup(ann, 'Sealed', [bob, cid]);
    const streams = await Promise.all([ann, bob, cid, out].map((u) => openEvents(s.url, u.token)));
    try {
      await Promise.all(streams.map((e) => e.waitFor('ready')));
      const recipients = await recipientsOf(g, ann);
      assert.equal(recipients.length, 3);
      const ok = await send(s.url, ann, await sealFor(ann, g, 'hello, all', recipients));
      assert.equal(ok.status, 201, JSON.stringify(ok.json));
      for (const [u, stream] of [[ann, streams[0]], [bob, streams[1]], [cid, streams[2]]] as const) {
        const [m] = await stream.waitFor('message');
        const opened = await openEnvelopeV2(JSON.parse(m.data), { myCertSerial: u.serial, myDecryptKey: u.key.privateKeys.decrypt, senderCertificate: ann.certificate });
        assert.equal(opened.status, 'verified', JSON.stringify(opened));
        if (opened.status === 'verified') assert.equal(opened.message.text, 'hello, all');
      }

      const expected = recipients.map((r) => r.serial).sort();
      const missing = await send(s.url, ann, await sealFor(ann, g, 'not for cid', recipients.slice(0, 2)));
      assert.equal(missing.status, 409);
      assert.deepEqual([missing.json.error, [...missing.json.expected].sort(), missing.json.epoch], ['recipients_changed', expected, 1]);
      const outsider = (await recipientsOf({ ...g, members: [{ login: out.login, role: 'member', since: '' }] }, ann))[0];
      const extra = await send(s.url, ann, await sealFor(ann, g, 'and for out', [...recipients, outsider]));
      assert.equal(extra.status, 409);
      assert.deepEqual([...extra.json.expected].sort(), expected);
      const stale = await send(s.url, ann, await sealFor(ann, g, 'old epoch', recipients, 7));
      assert.equal(stale.status, 409);
      assert.equal(stale.json.epoch, 1);
      // Not a member: nothing about the group.
      const stranger = await send(s.url, out, await sealFor(out, g, 'let me in', [...recipients, outsider]));
      assert.equal(stranger.status, 404);

      // After cid's removal: his key in the set is refused, the old epoch too; he gets nothing more.
      const removed = await call('DELETE', `/groups/${g.id}/members/${cid.login}`, ann);
      assert.equal(removed.status, 200);
      const stillCid = await send(s.url, ann, await sealFor(ann, removed.json as Group, 'cid should not read this', recipients));
      assert.equal(stillCid.status, 409);
      assert.deepEqual([...stillCid.json.expected].sort(), recipients.filter((r) => r.serial !== cid.serial).map((r) => r.serial).sort());
      assert.equal((await send(s.url, ann, await sealFor(ann, g, 'epoch 1 again', recipients))).status, 409);
      const after = await send(s.url, bob, await sealFor(bob, removed.json as Group, 'just us now'));
      assert.equal(after.status, 201, JSON.stringify(after.json));
      await streams[0].waitFor('message', 2);
      // The removed member can neither send nor read on.
      const shrunk = removed.json as Group;
      const former = await send(s.url, cid, await sealFor(cid, shrunk, 'me again', await recipientsOf({ ...shrunk, members: [...shrunk.members, { login: cid.login, role: 'member', since: '' }] }, cid)));
      assert.equal(former.status, 403);
      assert.equal(former.json.reason, 'not_member');
      assert.equal(streams[2].events.filter((e) => e.event === 'message').length, 1);
      const history = await call('GET', `/messages?with=group:${g.id}`, cid);
      assert.equal(history.status, 200);
      assert.deepEqual(history.json.messages.map((m: { id: string }) => m.id), [JSON.parse(streams[0].events.find((e) => e.event === 'message')!.data).id]);
      assert.equal((await call('GET', `/messages?with=group:${g.id}`, out)).status, 404);
      assert.equal((await call('GET', `/messages?with=group:${g.id}`, bob)).json.messages.length, 2);
    } finally {
      for (const e of streams) e.close();
    }
  });

  it('gives a member added later the messages from their joining on, not before', async () => {
    const [ann, bob, cid] = await people(3, 'gjoin');
    const g = await createGroup(ann, 'Later', [bob]);
    assert.equal((await send(s.url, ann, await sealFor(ann, g, 'before cid'))).status, 201);
    const grown = (await call('POST', `/groups/${g.id}/members`, ann, { login: cid.login })).json as Group;
    assert.equal((await send(s.url, bob, await sealFor(bob, grown, 'with cid'))).status, 201);
    const seen = (await call('GET', `/messages?with=group:${g.id}`, cid)).json.messages;
    assert.equal(seen.length, 1);
    const opened = await openEnvelopeV2(seen[0], { myCertSerial: cid.serial, myDecryptKey: cid.key.privateKeys.decrypt, senderCertificate: bob.certificate });
    assert.equal(opened.status, 'verified');
    if (opened.status === 'verified') assert.equal(opened.message.text, 'with cid');
  });

  it('keeps read state per group: unread counts, marks, and who has seen what', async () => {
    const [ann, bob, cid] = await people(3, 'gread');
    const g = await createGroup(ann, 'Reading', [bob, cid]);
    const annStream = await openEvents(s.url, ann.token);
    try {
      await annStream.waitFor('ready');
      for (const text of ['one', 'two']) assert.equal((await send(s.url, ann, await sealFor(ann, g, text))).status, 201);
      await annStream.waitFor('message', 2);
      const bobList = (await call('GET', '/groups', bob)).json as GroupSummary[];
      const entry = bobList.find((x) => x.id === g.id)!;
      assert.equal(entry.unread, 2);
      assert.ok(entry.lastAt);
      // The sender's own messages are not unread for her.
      assert.equal(((await call('GET', '/groups', ann)).json as GroupSummary[]).find((x) => x.id === g.id)!.unread, 0);

      const last = annStream.events.filter((e) => e.event === 'message').at(-1)!;
      const read = await call('POST', `/conversations/group:${g.id}/read`, bob, { upTo: last.id });
      assert.equal(read.status, 204);
      assert.equal(((await call('GET', '/groups', bob)).json as GroupSummary[]).find((x) => x.id === g.id)!.unread, 0);
      const seen = await annStream.until((e) => e.event === 'seen');
      assert.deepEqual(JSON.parse(seen.data), { with: `group:${g.id}`, reader: bob.login, upTo: last.id, id: JSON.parse(last.data).id });
      const detail = (await call('GET', `/groups/${g.id}`, ann)).json as GroupDetail;
      assert.deepEqual(detail.reads, { [bob.login]: last.id });

      // Someone with read receipts off tells nobody.
      assert.equal((await call('PUT', '/account/read-receipts', cid, { enabled: false })).status, 200);
      assert.equal((await call('POST', `/conversations/group:${g.id}/read`, cid, { upTo: last.id })).status, 204);
      assert.deepEqual(((await call('GET', `/groups/${g.id}`, ann)).json as GroupDetail).reads, { [bob.login]: last.id });
      // A seq outside the group is refused like any other.
      const outside = await call('POST', `/conversations/group:${g.id}/read`, bob, { upTo: '999999' });
      assert.equal(outside.status, 404);
    } finally {
      annStream.close();
    }
  });

  it('delivers a message to a 50-member group that every member opens', { timeout: 240_000 }, async () => {
    const members = await people(50, 'g50');
    const [ann, ...others] = members;
    const g = await createGroup(ann, 'Fifty', others);
    assert.equal(g.members.length, 50);
    const streams = await Promise.all(members.map((u) => openEvents(s.url, u.token)));
    try {
      await Promise.all(streams.map((e) => e.waitFor('ready')));
      const envelope = await sealFor(ann, g, 'to all fifty');
      assert.equal(Object.keys(envelope.keys).length, 50);
      const sent = await send(s.url, ann, envelope);
      assert.equal(sent.status, 201, JSON.stringify(sent.json));
      await Promise.all(
        members.map(async (u, i) => {
          const [m] = await streams[i].waitFor('message');
          const opened = await openEnvelopeV2(JSON.parse(m.data), { myCertSerial: u.serial, myDecryptKey: u.key.privateKeys.decrypt, senderCertificate: ann.certificate });
          assert.equal(opened.status, 'verified', `${u.login}: ${JSON.stringify(opened)}`);
          if (opened.status === 'verified') assert.equal(opened.message.text, 'to all fifty');
        }),
      );
    } finally {
      for (const e of streams) e.close();
    }
  });
});
