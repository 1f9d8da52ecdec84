// Protocol §6, several devices per person, through the real HTTP server (in process, so a second
// device can be certified directly through Lifecycle.link while the linking routes are built
// elsewhere): listing one's devices and anyone's current certificates, retiring a device, renewal
// per device, start-up repair leaving linked devices alone, and recovery replacing them all.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { attemptLogin, enrollUser, loginAs, type Enrolled } from './helpers/login.ts';
import { makeCsr } from './helpers/openssl.ts';
import { enrollBody, postJson } from './helpers/users.ts';
import { tempDir } from './helpers/server.ts';
import type { DeviceEntry, CurrentCertificateEntry } from '../src/protocol/devices.ts';

const running = new Set<InProcess>();
after(async () => {
  for (const s of running) await s.close();
});
async function server(dataDir = tempDir()): Promise<InProcess> {
  const s = await startInProcess({ dataDir });
  running.add(s);
  return s;
}
async function stop(s: InProcess): Promise<void> {
  running.delete(s);
  await s.close();
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
async function getJson<T>(url: string, token: string): Promise<{ status: number; json: T }> {
  const res = await fetch(url, { headers: bearer(token) });
  return { status: res.status, json: (await res.json()) as T };
}
const devicesOf = (s: InProcess, token: string) => getJson<DeviceEntry[]>(`${s.url}/api/v1/devices`, token);
const retire = (s: InProcess, token: string, serial: string, body?: unknown) =>
  fetch(`${s.url}/api/v1/devices/${serial}`, {
    method: 'DELETE',
    headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** A second device of `u`, certified as an approved link would be: its key, certificate and a session. */
async function secondDevice(s: InProcess, u: Enrolled, deviceName = 'Phone') {
  const key = makeCsr();
  const issued = await s.service.lifecycle.link(u.login, key.csr, deviceName);
  const device = { ...u, keyPem: key.key, certificate: issued.certificate, serial: issued.serial };
  return { ...device, token: await loginAs(s.url, device) };
}

describe('devices (protocol §6)', () => {
  it('names the first device as enrolled, or after its browser, and lists it as this one', async () => {
    const s = await server();
    const key = makeCsr();
    const { body } = enrollBody('devname', key);
    const named = await postJson(`${s.url}/api/v1/enroll`, { ...body, deviceName: '  Laptop de Zoé  ' });
    assert.equal(named.status, 201, JSON.stringify(named.json));
    const token = await loginAs(s.url, { body, login: body.login, password: body.password, keyPem: key.key, keyFile: key.keyFile, certificate: named.json.certificate, serial: named.json.serial, fingerprint: named.json.fingerprint });
    const list = await devicesOf(s, token);
    assert.equal(list.status, 200);
    assert.equal(list.json.length, 1);
    const [d] = list.json;
    assert.deepEqual(
      { serial: d.serial, deviceName: d.deviceName, current: d.current, notAfter: d.notAfter },
      { serial: named.json.serial, deviceName: 'Laptop de Zoé', current: true, notAfter: named.json.notAfter },
    );
    assert.ok(d.lastSeen && Date.parse(d.lastSeen) <= Date.now(), 'the session just opened');
    assert.ok(Date.parse(d.createdAt) <= Date.parse(d.lastSeen!));

    const other = makeCsr();
    const unnamed = enrollBody('devua', other).body;
    const res = await postJson(`${s.url}/api/v1/enroll`, unnamed, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0' });
    assert.equal(res.status, 201);
    assert.equal((await s.service.records.get(res.json.serial))?.deviceName, 'Firefox on Linux');

    for (const bad of ['', '   ', 'x'.repeat(65), 'tab\there']) {
      const refused = await postJson(`${s.url}/api/v1/enroll`, { ...enrollBody('devbad', makeCsr()).body, deviceName: bad });
      assert.equal(refused.status, 400, bad);
      assert.ok(refused.json.fields.deviceName, JSON.stringify(refused.json));
    }
  });

  it('lists every current certificate of a person for senders, and every device to its owner', async () => {
    const s = await server();
    const u = await enrollUser(s.url, 'devtwo');
    const token = await loginAs(s.url, u);
    const phone = await secondDevice(s, u);
    const reader = await enrollUser(s.url, 'devread');
    const readerToken = await loginAs(s.url, reader);

    const certs = await getJson<CurrentCertificateEntry[]>(`${s.url}/api/v1/users/${u.login}/certificates`, readerToken);
    assert.equal(certs.status, 200);
    assert.deepEqual(
      certs.json.map((c) => [c.serial, c.deviceName, c.certificate.trim()]),
      [
        [u.serial, 'node', u.certificate.trim()],
        [phone.serial, 'Phone', phone.certificate.trim()],
      ],
    );
    assert.match(certs.json[1].fingerprint, /^[0-9a-f]{64}$/);
    assert.equal((await getJson(`${s.url}/api/v1/users/nobody-here/certificates`, readerToken)).status, 404);
    assert.equal((await fetch(`${s.url}/api/v1/users/${u.login}/certificates`)).status, 401, 'login required');
    // §4 keeps answering with one certificate: the newest current one.
    const single = await fetch(`${s.url}/api/v1/users/${u.login}/certificate`, { headers: bearer(readerToken) });
    assert.equal((await single.text()).trim(), phone.certificate.trim());

    for (const [who, mine] of [
      [token, u.serial],
      [phone.token, phone.serial],
    ] as const) {
      // "My certificate" is the asking device's own, over the API as on the page.
      const own = await getJson<{ serial: string }>(`${s.url}/api/v1/certificate`, who);
      assert.equal(own.json.serial, mine);
      const file = await fetch(`${s.url}/api/v1/certificate.pem`, { headers: bearer(who) });
      assert.equal((await file.text()).trim(), (mine === u.serial ? u.certificate : phone.certificate).trim());
      const list = await devicesOf(s, who);
      assert.deepEqual(
        list.json.map((d) => [d.serial, d.current]),
        [
          [u.serial, mine === u.serial],
          [phone.serial, mine === phone.serial],
        ],
      );
    }
  });

  it('retires a device: its certificate revoked, its sessions ended at once, the other device untouched', async () => {
    const s = await server();
    const u = await enrollUser(s.url, 'devret');
    const token = await loginAs(s.url, u);
    const phone = await secondDevice(s, u);

    assert.equal((await retire(s, token, 'NOT-HEX')).status, 400);
    const stranger = await enrollUser(s.url, 'devstr');
    assert.equal((await retire(s, token, stranger.serial)).status, 404, "someone else's certificate");
    assert.equal((await retire(s, token, 'abcdef')).status, 404);
    assert.equal((await retire(s, token, phone.serial, { reason: 'superseded' })).status, 400, 'not a reason an owner gives');

    const res = await retire(s, token, phone.serial);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { serial: string; reason: string; revokedAt: string };
    assert.deepEqual([body.serial, body.reason], [phone.serial, 'cessationOfOperation']);
    assert.equal((await devicesOf(s, phone.token)).status, 401, "the phone's session ended");
    const again = await attemptLogin(s.url, phone);
    assert.deepEqual([again.status, again.json.reason], [403, 'revoked']);
    assert.equal((await retire(s, token, phone.serial)).status, 404, 'retired already');

    const left = await devicesOf(s, token);
    assert.deepEqual(left.json.map((d) => d.serial), [u.serial]);
    const lost = await retire(s, token, u.serial, { reason: 'keyCompromise' });
    assert.equal(lost.status, 200);
    assert.equal((await devicesOf(s, token)).status, 401, 'retiring this very device ends this session too');
  });

  it('renews the calling device alone; a session from before the renewal lives on, until that device is retired', async () => {
    const s = await server();
    const u = await enrollUser(s.url, 'devren');
    const before = await loginAs(s.url, u);
    const phone = await secondDevice(s, u);

    const fresh = makeCsr();
    const renewed = await postJson(`${s.url}/api/v1/certificate/renew`, { csr: fresh.csr }, bearer(before));
    assert.equal(renewed.status, 201, JSON.stringify(renewed.json));
    const list = await devicesOf(s, before);
    assert.equal(list.status, 200, 'the session opened with the superseded certificate goes on');
    assert.deepEqual(
      list.json.map((d) => [d.serial, d.deviceName, d.current]),
      [
        [phone.serial, 'Phone', false],
        [renewed.json.serial, 'node', true],
      ],
    );
    assert.equal((await devicesOf(s, phone.token)).status, 200, 'the other device is untouched');
    const old = await attemptLogin(s.url, u);
    assert.equal(old.json.reason, 'not_owner', 'the replaced certificate is no device any more');

    // Retired from the phone: the laptop's session, opened before its renewal, ends with it.
    assert.equal((await retire(s, phone.token, renewed.json.serial)).status, 200);
    assert.equal((await devicesOf(s, before)).status, 401);
  });

  it('leaves linked devices current across a restart, and finishes a renewal a crash interrupted', async () => {
    const dataDir = tempDir();
    let s = await server(dataDir);
    const u = await enrollUser(s.url, 'devrst');
    const phone = await secondDevice(s, u);
    // A renewal of the phone stopped after its new record was issued, before the old one was revoked.
    const fresh = makeCsr();
    const user = (await s.service.directory.get(u.login))!;
    const { key } = await (await import('../src/pki/csr.ts')).checkCsr(fresh.csr, user, 2048);
    const issued = await (s.service.lifecycle as unknown as { d: { issuer: import('../src/pki/issue.ts').UserIssuer } }).d.issuer.issue(user, key, { deviceName: 'Phone', supersedes: [phone.serial] });
    await s.service.records.stage(issued.record);
    await s.service.directory.setCertificate(u.login, issued.record.der);
    await s.service.records.confirm(issued.record.serial);
    await stop(s);

    s = await server(dataDir);
    const current = (await s.service.records.forLogin(u.login)).filter((r) => !r.revokedAt).map((r) => r.serial);
    assert.deepEqual(current, [u.serial, issued.record.serial], 'the first device stays; the interrupted renewal is finished');
    assert.equal((await s.service.records.get(phone.serial))?.revocationReason, 'superseded');
  });

  it('refuses an eleventh device', async () => {
    const s = await server();
    const u = await enrollUser(s.url, 'devmax');
    for (let i = 2; i <= 10; i++) await s.service.lifecycle.link(u.login, makeCsr().csr, `Device ${i}`);
    await assert.rejects(s.service.lifecycle.link(u.login, makeCsr().csr, 'Device 11'), (err: { code?: string }) => err.code === 'too_many_devices');
    assert.equal((await s.service.records.forLogin(u.login)).length, 10);
  });

  it('recovery replaces every device: their sessions end', async () => {
    const s = await server();
    const u = await enrollUser(s.url, 'devrec');
    const token = await loginAs(s.url, u);
    const phone = await secondDevice(s, u);
    const { code } = await s.service.recovery.issueCode(u.login);
    const fresh = makeCsr();
    const res = await postJson(`${s.url}/api/v1/certificate/recover`, { login: u.login, password: u.password, code, csr: fresh.csr });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    for (const t of [token, phone.token]) assert.equal((await devicesOf(s, t)).status, 401);
    const only = await devicesOf(s, await loginAs(s.url, { ...u, keyPem: fresh.key, certificate: res.json.certificate, serial: res.json.serial }));
    assert.deepEqual(only.json.map((d) => d.serial), [res.json.serial]);
  });
});
