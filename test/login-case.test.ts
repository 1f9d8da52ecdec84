// One rule for logins on every route (docs/protocol.md §2, an extension): a login is
// case-insensitive and stored lowercase. "Zied…" enrolls as "zied…", logs in typed in capitals,
// recovers and is found by the operator command line the same way.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type Running } from './helpers/server.ts';
import { enrollBody, postJson } from './helpers/users.ts';
import { attemptLogin } from './helpers/login.ts';
import { runAdmin } from './helpers/admin.ts';

describe('logins are lowercase everywhere', { timeout: 120_000 }, () => {
  let server: Running;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('enrolls "Zied…" as "zied…", and logs in with the login typed in capitals', async () => {
    const { body, key } = enrollBody('zied');
    const typed = `Zied${body.login.slice(4)}`;
    const lower = typed.toLowerCase();
    const enrolled = await postJson(`${server.url}/api/v1/enroll`, { ...body, login: `  ${typed} ` });
    assert.equal(enrolled.status, 201, JSON.stringify(enrolled.json));
    assert.equal(enrolled.json.login, lower);

    // The same person again, in other capitals: the login is taken.
    const again = await postJson(`${server.url}/api/v1/enroll`, { ...enrollBody('other').body, login: typed.toUpperCase() });
    assert.equal(again.status, 409);
    assert.ok('login' in (again.json.fields ?? {}) || again.json.field === 'login', JSON.stringify(again.json));

    const session = await attemptLogin(server.url, { login: typed.toUpperCase(), password: body.password, certificate: enrolled.json.certificate, keyPem: key.key });
    assert.equal(session.status, 200, JSON.stringify(session.json));
    assert.equal(session.json.login, lower);

    // The password may not be the login in any capitals either.
    const same = await postJson(`${server.url}/api/v1/enroll`, { ...enrollBody('pw').body, login: 'Samepassword1', password: 'samepassword1' });
    assert.equal(same.status, 400);
    assert.ok(same.json.fields.password, JSON.stringify(same.json));

    // The operator types the login as they heard it.
    const activity = await runAdmin(['activity', '--login', typed.toUpperCase(), '--data', server.dataDir, '--json']);
    assert.equal(activity.code, 0, activity.stderr);
    assert.match(activity.stdout, /"login"/);
    const code = await runAdmin(['recovery-code', '--login', typed, '--data', server.dataDir, '--json']);
    assert.equal(code.code, 0, code.stderr);
    assert.equal(JSON.parse(code.stdout).login, lower);
  });

  it('a login still follows the §2 pattern once lowercased', async () => {
    for (const login of ['Zi', '9Zied', 'Zied Ben']) {
      const r = await postJson(`${server.url}/api/v1/enroll`, { ...enrollBody('bad').body, login });
      assert.equal(r.status, 400, login);
      assert.ok(r.json.fields.login, login);
    }
  });
});
