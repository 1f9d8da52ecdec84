// Changing one's password (POST /api/v1/account/password, an extension in docs/protocol.md), against
// the real server: the current password is required, the new one follows the registration rules,
// the old one stops working at once, other sessions end and this one goes on; guesses of the
// current password count against the login's limit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type Running } from './helpers/server.ts';
import { enrollUser, loginAs, attemptLogin, type Enrolled } from './helpers/login.ts';
import { postJson } from './helpers/users.ts';

let server: Running;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

const change = (token: string | undefined, body: unknown, url = server.url) =>
  postJson(`${url}/api/v1/account/password`, body, token ? { authorization: `Bearer ${token}` } : {});
const session = (token: string) => fetch(`${server.url}/api/v1/session`, { headers: { authorization: `Bearer ${token}` } });
const logsIn = async (u: Enrolled, password: string) => (await attemptLogin(server.url, { ...u, password })).status;

describe('changing the password', () => {
  it('needs the current one; then the old stops working, the new works, other sessions end and this one stays', async () => {
    const u = await enrollUser(server.url, 'pw');
    const here = await loginAs(server.url, u);
    const elsewhere = await loginAs(server.url, u);
    const next = 'a brand new passphrase for TEKUP';

    const wrong = await change(here, { currentPassword: 'not my password at all', newPassword: next });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json.error, 'validation');
    assert.deepEqual(Object.keys(wrong.json.fields), ['currentPassword']);
    assert.equal((await session(elsewhere)).status, 200, 'a refused change ends nothing');

    const res = await change(here, { currentPassword: u.password, newPassword: next });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json, { changed: true, sessionsEnded: 1 });
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal((await session(here)).status, 200, 'this session goes on');
    assert.equal((await session(elsewhere)).status, 401, 'the other one is over');
    assert.equal(await logsIn(u, u.password), 401, 'the old password is refused');
    assert.equal(await logsIn(u, next), 200, 'the new one logs in');
  });

  it('applies the registration rules to the new password and names the field', async () => {
    const u = await enrollUser(server.url, 'pwrulesandlogin');
    assert.ok(u.login.length >= 12, 'a login long enough to be tried as a password');
    const token = await loginAs(server.url, u);
    const cases: [unknown, string, RegExp][] = [
      [{ currentPassword: u.password, newPassword: 'short' }, 'newPassword', /at least 12/],
      [{ currentPassword: u.password, newPassword: 'password1234' }, 'newPassword', /too common/],
      [{ currentPassword: u.password, newPassword: u.password }, 'newPassword', /other than your current/],
      [{ currentPassword: u.password, newPassword: u.login.toUpperCase() }, 'newPassword', /not be your login/],
      [{ currentPassword: '', newPassword: 'a brand new passphrase' }, 'currentPassword', /current password/],
      [{ newPassword: 'a brand new passphrase' }, 'currentPassword', /current password/],
    ];
    for (const [body, field, message] of cases) {
      const r = await change(token, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.json.error, 'validation');
      assert.match(r.json.fields[field] ?? '', message, JSON.stringify(r.json));
    }
    assert.equal(await logsIn(u, u.password), 200, 'nothing changed');
  });

  it('refuses without a session, and counts wrong current passwords against the login', async () => {
    assert.equal((await change(undefined, { currentPassword: 'x', newPassword: 'a brand new passphrase' })).status, 401);
    // Five guesses a minute per login, so the limit is reached quickly.
    const strict = await startServer({ env: { TEKUP_LOGIN_PER_MINUTE: '5' } });
    try {
      const u = await enrollUser(strict.url, 'pwlimit');
      const token = await loginAs(strict.url, u); // one guess of the five
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await change(token, { currentPassword: `guess number ${i}`, newPassword: 'a brand new passphrase' }, strict.url)).status);
      assert.deepEqual(statuses, [400, 400, 400, 400, 429]);
      const limited = await change(token, { currentPassword: u.password, newPassword: 'a brand new passphrase' }, strict.url);
      assert.equal(limited.status, 429, 'even the right password waits now');
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.equal((await attemptLogin(strict.url, u)).status, 429, 'and so does logging in');
    } finally {
      await strict.stop();
    }
  });
});
