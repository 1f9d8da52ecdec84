// OCSP requests skip the app's router (src/http.ts, Http.fetch): whatever they ask, the answer is
// the one the whole app gives, and only /ocsp and below take the short way.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHttp, type Http } from '../src/http.ts';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { enrollUser } from './helpers/login.ts';
import { openssl, writeTemp } from './helpers/openssl.ts';
import { tempDir } from './helpers/server.ts';

describe('the OCSP fast path', () => {
  let s: InProcess;
  let http: Http;
  let get: string;

  before(async () => {
    s = await startInProcess();
    http = createHttp(s.service);
    // A nonce-less request for an enrolled user's certificate, as a TLS stack would send it.
    const u = await enrollUser(s.url, 'fastpath');
    const inter = writeTemp('intermediate.pem', await (await fetch(`${s.url}/ca/intermediate.pem`)).text());
    const req = join(tempDir('tekup-ocsp-'), 'req.der');
    openssl(['ocsp', '-issuer', inter, '-cert', writeTemp('user.pem', u.certificate), '-no_nonce', '-reqout', req]);
    get = `/ocsp/${encodeURIComponent(readFileSync(req).toString('base64'))}`;
  });
  after(() => s.close());

  async function both(method: string, path: string, init: RequestInit = {}) {
    const ask = () => new Request(`http://127.0.0.1${path}`, { method, ...init });
    const read = async (r: Response | Promise<Response>) => {
      const res = await r;
      return { status: res.status, type: res.headers.get('content-type'), nosniff: res.headers.get('x-content-type-options'), body: Buffer.from(await res.arrayBuffer()).toString('base64') };
    };
    return { fast: await read(http.fetch(ask())), app: await read(http.app.fetch(ask())) };
  }

  const cases: Array<[string, string, RequestInit?]> = [
    ['GET', '(a request for a certificate)'],
    ['GET', '/ocsp/not-base64!'],
    ['GET', '/ocsp/AAAA'],
    ['GET', '/ocsp'],
    ['GET', '/ocsp?x=1'],
    ['POST', '/ocsp', { body: new Uint8Array([0x30, 0x00]), headers: { 'content-type': 'application/ocsp-request' } }],
    ['PUT', '/ocsp', { body: 'x' }],
    ['DELETE', '/ocsp/AAAA'],
    ['GET', '/ocspx'],
    ['GET', '/ocsp-other', { headers: { accept: 'text/html' } }],
    ['GET', '/ca/crl'],
  ];
  for (const [method, path, init] of cases) {
    it(`${method} ${path}: the same answer as the app's`, async () => {
      const { fast, app } = await both(method, path.startsWith('(') ? get : path, init);
      assert.deepEqual(fast, app);
      assert.equal(fast.nosniff, 'nosniff', 'security headers on every answer');
    });
  }

  it('logs each request once, whichever app answered it', async () => {
    const lines: Array<{ method: string; path: string; status: number }> = [];
    const logged = createHttp({
      ...s.service,
      config: { ...s.service.config, logLevel: 'info' },
      log: (event: string, fields?: Record<string, unknown>) => {
        if (event === 'request') lines.push({ method: String(fields?.method), path: String(fields?.path), status: Number(fields?.status) });
      },
    });
    for (const [method, path] of [['GET', get], ['PUT', '/ocsp'], ['GET', '/ocspx']]) await (await logged.fetch(new Request(`http://127.0.0.1${path}`, { method }))).arrayBuffer();
    assert.deepEqual(
      lines.map((l) => `${l.method} ${l.path.slice(0, 10)} ${l.status}`),
      [`GET ${get.slice(0, 10)} 200`, 'PUT /ocsp 404', 'GET /ocspx 404'],
    );
  });

  it('answers a certificate in DER, with the cache headers of a pre-produced response', async () => {
    const res = await http.fetch(new Request(`http://127.0.0.1${get}`));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/ocsp-response');
    assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+, public, no-transform, must-revalidate/);
  });
});
