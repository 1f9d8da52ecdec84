// Extension: GET /api/v1/certificates/{serial}, any certificate we issued, so a reader can verify
// messages signed before their sender renewed (envelopes name the certificate by serial); and
// GET /api/v1/certificate.pem, my own current certificate as a download.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type Running } from './helpers/server.ts';
import { makeCsr } from './helpers/openssl.ts';
import { postJson } from './helpers/users.ts';
import { enrollUser, loginAs } from './helpers/login.ts';

let server: Running;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

const get = (path: string, token?: string, accept?: string) =>
  fetch(`${server.url}${path}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(accept ? { accept } : {}) } });

describe('certificates as downloads: any by serial, my own as PEM', () => {
  it('serves an issued certificate by serial, PEM or JSON with its standing, and keeps serving it after a renewal', async () => {
    const owner = await enrollUser(server.url, 'byserial');
    const reader = await enrollUser(server.url, 'reader');
    const token = await loginAs(server.url, reader);

    const pem = await get(`/api/v1/certificates/${owner.serial}`, token);
    assert.equal(pem.status, 200);
    assert.match(pem.headers.get('content-type') ?? '', /application\/x-pem-file/);
    assert.equal((await pem.text()).trim(), owner.certificate.trim());

    const json = (await (await get(`/api/v1/certificates/${owner.serial}`, token, 'application/json')).json()) as any;
    assert.equal(json.login, owner.login);
    assert.equal(json.serial, owner.serial);
    assert.equal(json.status, 'valid');
    assert.equal(json.certificate.trim(), owner.certificate.trim());

    const ownerToken = await loginAs(server.url, owner);
    const renewed = await postJson(`${server.url}/api/v1/certificate/renew`, { csr: makeCsr().csr }, { authorization: `Bearer ${ownerToken}` });
    assert.equal(renewed.status, 201);
    const old = (await (await get(`/api/v1/certificates/${owner.serial}`, token, 'application/json')).json()) as any;
    assert.equal(old.status, 'revoked');
    assert.equal(old.revocationReason, 'superseded');
    assert.equal(old.certificate.trim(), owner.certificate.trim(), 'the superseded certificate is still served');
    const current = (await (await get(`/api/v1/certificates/${renewed.json.serial}`, token, 'application/json')).json()) as any;
    assert.equal(current.status, 'valid');
  });

  it('needs a session; unknown serials are 404, malformed ones 400', async () => {
    const u = await enrollUser(server.url, 'byserial');
    assert.equal((await get(`/api/v1/certificates/${u.serial}`)).status, 401);
    const token = await loginAs(server.url, u);
    const unknown = await get('/api/v1/certificates/0123456789abcdef', token);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as any).error, 'not_found');
    const bad = await get('/api/v1/certificates/NOT-HEX', token);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as any).error, 'validation');
  });

  it('GET /api/v1/certificate.pem downloads my own certificate (and needs a session)', async () => {
    const u = await enrollUser(server.url, 'mypem');
    assert.equal((await get('/api/v1/certificate.pem')).status, 401);
    const res = await get('/api/v1/certificate.pem', await loginAs(server.url, u));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', new RegExp(`attachment; filename="${u.login}.pem"`));
    assert.equal((await res.text()).trim(), u.certificate.trim());
  });
});
