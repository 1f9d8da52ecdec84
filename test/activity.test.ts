// A person's security activity (docs/protocol.md, "Your security activity"): every login, every
// refused login under their name (a wrong password, a pirate's certificate), password changes,
// renewals, revocations by them or an operator, and recoveries — with where each came from.
// Nothing is kept for logins nobody registered, and the store keeps the newest per login only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { attemptLogin, enrollUser, loginAs, type Enrolled } from './helpers/login.ts';
import { makeCsr, openssl } from './helpers/openssl.ts';
import { postJson } from './helpers/users.ts';
import { tempDir } from './helpers/server.ts';
import { SqliteActivity } from '../src/store/sqlite/activity.ts';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { sinceLastLogin, type ActivityEntry } from '../src/protocol/account.ts';

let srv: InProcess;
before(async () => {
  srv = await startInProcess();
});
after(async () => {
  await srv.close();
});

const authed = (token: string) => ({ authorization: `Bearer ${token}` });
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36';

async function activity(token: string): Promise<ActivityEntry[]> {
  const res = await fetch(`${srv.url}/api/v1/account/activity`, { headers: authed(token) });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  return ((await res.json()) as { events: ActivityEntry[] }).events;
}

/** Refusals are recorded just after they are answered: wait for the count to arrive. */
async function eventually(token: string, count: number): Promise<ActivityEntry[]> {
  for (let i = 0; i < 50; i++) {
    const events = await activity(token);
    if (events.length >= count) return events;
    await new Promise((r) => setTimeout(r, 20));
  }
  return activity(token);
}

describe('security activity', () => {
  let alice: Enrolled;
  before(async () => {
    alice = await enrollUser(srv.url, 'act');
  });

  it('a login is recorded with the certificate, the address and the device', async () => {
    const res = await attemptLogin(srv.url, { login: alice.login, password: alice.password, certificate: alice.certificate, keyPem: alice.keyPem, userAgent: UA });
    assert.equal(res.status, 200);
    const [latest] = await activity(res.json.token);
    assert.equal(latest.kind, 'login');
    assert.equal(latest.serial, alice.serial);
    assert.equal(latest.address, '127.0.0.1');
    assert.equal(latest.userAgent, UA);
    assert.ok(Math.abs(Date.parse(latest.at) - Date.now()) < 60_000);
  });

  it('refused logins under one’s name: a wrong password and a pirate certificate, each with its reason', async () => {
    const bob = await enrollUser(srv.url, 'actref');
    const wrong = await attemptLogin(srv.url, { login: bob.login, password: 'not the password at all', certificate: bob.certificate, keyPem: bob.keyPem });
    assert.equal(wrong.status, 401);
    const dir = tempDir('act-pirate-');
    const pirate = join(dir, 'c.pem');
    openssl(['req', '-x509', '-new', '-key', bob.keyFile, '-out', pirate, '-days', '30', '-subj', `/UID=${bob.login}/CN=Bob/O=TEKUP_chat`]);
    const forged = await attemptLogin(srv.url, { login: bob.login, password: bob.password, certificate: readFileSync(pirate, 'utf8'), keyPem: bob.keyPem });
    assert.equal(forged.status, 403);

    const token = await loginAs(srv.url, bob);
    const events = await eventually(token, 3);
    // What the pages tell just after this login: no login before it, two refusals meanwhile.
    assert.deepEqual(sinceLastLogin(events), { refused: 2 });
    assert.deepEqual(
      events.map((e) => [e.kind, e.reason ?? '-']),
      [
        ['login', '-'],
        ['login_refused', 'untrusted_issuer'],
        ['login_refused', 'password'],
      ],
    );
    assert.ok(events.every((e) => e.address === '127.0.0.1'));
  });

  it('nothing is kept for a login nobody registered', async () => {
    const carol = await enrollUser(srv.url, 'actnone');
    const ghost = `ghost${Date.now()}`;
    const res = await attemptLogin(srv.url, { login: ghost, password: 'a password of some length', certificate: carol.certificate, keyPem: carol.keyPem });
    assert.ok(res.status === 401 || res.status === 403);
    await new Promise((r) => setTimeout(r, 200));
    const rows = srv.service.db.prepare('SELECT count(*) AS n FROM activity WHERE login = ?').get(ghost) as { n: number };
    assert.equal(Number(rows.n), 0);
  });

  it('password changes, refused and made; a renewal; a revocation by the user and one by an operator; a recovery', async () => {
    const dave = await enrollUser(srv.url, 'actlife');
    let token = await loginAs(srv.url, dave);
    const refused = await postJson(`${srv.url}/api/v1/account/password`, { currentPassword: 'a guess that is wrong', newPassword: 'a new passphrase for dave' }, authed(token));
    assert.equal(refused.status, 400);
    const changed = await postJson(`${srv.url}/api/v1/account/password`, { currentPassword: dave.password, newPassword: 'a new passphrase for dave' }, authed(token));
    assert.equal(changed.status, 200);
    const fresh = makeCsr();
    const renewed = await postJson(`${srv.url}/api/v1/certificate/renew`, { csr: fresh.csr, reason: 'keyCompromise' }, authed(token));
    assert.equal(renewed.status, 201);

    // The operator revokes the renewed certificate; the user recovers with a code.
    await srv.service.certificateChanges.revokeByOperator({ login: dave.login }, 'privilegeWithdrawn');
    const { code } = await srv.service.recovery.issueCode(dave.login);
    const next = makeCsr();
    const recovered = await postJson(`${srv.url}/api/v1/certificate/recover`, { login: dave.login, password: 'a new passphrase for dave', code, csr: next.csr });
    assert.equal(recovered.status, 201, JSON.stringify(recovered.json));
    token = await loginAs(srv.url, { ...dave, password: 'a new passphrase for dave', certificate: recovered.json.certificate, keyPem: next.key, serial: recovered.json.serial });

    // And revokes it themselves (that ends the session: the events are read from the store).
    const own = await postJson(`${srv.url}/api/v1/certificate/revoke`, { reason: 'cessationOfOperation' }, authed(token));
    assert.equal(own.status, 200);
    const events = (await new SqliteActivity(srv.service.db).recent(dave.login, 50));
    assert.deepEqual(
      events.map((e) => [e.kind, e.reason ?? '-', e.serial ?? '-', e.by ?? '-']),
      [
        ['certificate_revoked', 'cessationOfOperation', recovered.json.serial, 'you'],
        ['login', '-', recovered.json.serial, '-'],
        ['access_recovered', '-', recovered.json.serial, '-'],
        // Written by the recovery service, whoever asked it for the code (here the test, as an operator would).
        ['recovery_code_issued', '-', '-', '-'],
        ['certificate_revoked', 'privilegeWithdrawn', renewed.json.serial, 'operator'],
        ['certificate_renewed', 'keyCompromise', renewed.json.serial, '-'],
        ['password_changed', '-', '-', '-'],
        ['password_change_refused', '-', '-', '-'],
        ['login', '-', dave.serial, '-'],
      ],
    );
    // The operator's acts came from no request; the others say where they came from.
    assert.equal(events[3].address, undefined);
    assert.equal(events[4].address, undefined);
    assert.ok(events.filter((e) => e.by !== 'operator' && e.kind !== 'recovery_code_issued').every((e) => e.address === '127.0.0.1'));
  });

  it('needs a session', async () => {
    const res = await fetch(`${srv.url}/api/v1/account/activity`);
    assert.equal(res.status, 401);
  });
});

describe('sinceLastLogin', () => {
  const at = (s: number) => `2026-11-27T10:00:${String(s).padStart(2, '0')}.000Z`;
  it('counts the refusals between the newest login and the one before it', () => {
    const previous: ActivityEntry = { at: at(1), kind: 'login', address: '10.0.0.1' };
    assert.deepEqual(
      sinceLastLogin([
        { at: at(9), kind: 'login' },
        { at: at(8), kind: 'login_refused', reason: 'password' },
        { at: at(7), kind: 'password_changed' },
        { at: at(6), kind: 'login_refused', reason: 'untrusted_issuer' },
        previous,
        { at: at(0), kind: 'login_refused', reason: 'password' },
      ]),
      { lastLogin: previous, refused: 2 },
    );
    assert.deepEqual(sinceLastLogin([{ at: at(9), kind: 'login' }, previous]), { lastLogin: previous, refused: 0 });
    // Not just after a login (the newest event is something else): nothing to tell.
    assert.deepEqual(sinceLastLogin([{ at: at(9), kind: 'login_refused', reason: 'password' }, previous]), { refused: 0 });
    assert.deepEqual(sinceLastLogin([]), { refused: 0 });
  });
});

describe('the activity store', () => {
  it('keeps the newest entries of each login only, and never another login’s', async () => {
    const db = openDatabase(join(tempDir('act-store-'), 't.db'));
    const store = new SqliteActivity(db);
    for (let i = 0; i < 5; i++) await store.add('ann', { at: `2026-11-27T10:00:0${i}.000Z`, kind: 'login_refused', reason: 'password' }, 3);
    await store.add('ben', { at: '2026-11-27T10:00:00.000Z', kind: 'login' }, 3);
    assert.deepEqual(
      (await store.recent('ann', 10)).map((e) => e.at),
      ['2026-11-27T10:00:04.000Z', '2026-11-27T10:00:03.000Z', '2026-11-27T10:00:02.000Z'],
    );
    assert.equal((await store.recent('ben', 10)).length, 1);
    assert.equal((await store.recent('ann', 2)).length, 2);
    db.close();
  });
});
