// GET /api/v1/users (protocol §4) keeps its fields exactly, and tells each certificate's standing
// too (an extension, docs/protocol.md): the pages use it to show a revoked contact as revoked, and
// to offer no way to write to someone no message can be encrypted for.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type Running } from './helpers/server.ts';
import { postJson } from './helpers/users.ts';
import { enrollUser, loginAs } from './helpers/login.ts';

describe('the directory tells each certificate standing', { timeout: 120_000 }, () => {
  let server: Running;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('a revoked certificate is "revoked", with when and why; a current one "valid"', async () => {
    const alice = await enrollUser(server.url, 'alice');
    const dave = await enrollUser(server.url, 'dave');
    const aliceToken = await loginAs(server.url, alice);
    const daveToken = await loginAs(server.url, dave);
    const revoked = await postJson(`${server.url}/api/v1/certificate/revoke`, { reason: 'affiliationChanged' }, { authorization: `Bearer ${daveToken}` });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.json));

    const res = await fetch(`${server.url}/api/v1/users`, { headers: { authorization: `Bearer ${aliceToken}` } });
    assert.equal(res.status, 200);
    const users = (await res.json()) as Array<Record<string, unknown>>;
    const byLogin = new Map(users.map((u) => [u.login, u]));
    const a = byLogin.get(alice.login)!;
    const d = byLogin.get(dave.login)!;
    for (const u of [a, d]) {
      for (const field of ['login', 'firstName', 'lastName', 'online', 'lastSeen', 'fingerprint']) assert.ok(field in u, `§4 field ${field}`);
      assert.equal(typeof u.fingerprint, 'string');
    }
    assert.equal(d.fingerprint, dave.fingerprint, 'still the fingerprint of the certificate they hold');
    assert.equal(a.certificateStatus, 'valid');
    assert.equal(a.revokedAt, undefined);
    assert.match(String(a.notAfter), /^\d{4}-\d\d-\d\dT/);
    assert.equal(d.certificateStatus, 'revoked');
    assert.equal(d.revokedAt, revoked.json.revokedAt);
    assert.equal(d.revocationReason, 'affiliationChanged');
    // Protocol §6: how many devices a message is wrapped for; none once the last is revoked.
    assert.equal(a.devices, 1);
    assert.equal(d.devices, 0);
  });
});
