// Headers and guards every response gets (src/web/security.ts), checked on every kind of answer the
// real server gives: pages, API JSON, errors, 404, static assets, CA files, CRL and OCSP, and the
// SSE stream. Then: a cross-site form post is refused, and after a whole enroll → login → send →
// receive → password change → logout flow (with failures on the way) the server's log holds no password, private key,
// session token, card number or message text.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type Running } from './helpers/server.ts';
import { makeCsr } from './helpers/openssl.ts';
import { enrollBody, postJson } from './helpers/users.ts';
import { enrollUser, loginAs, attemptLogin } from './helpers/login.ts';
import { openEvents } from './helpers/sse.ts';
import { envelopeFor, send, webUser } from './helpers/webuser.ts';

let server: Running;
let token: string;

before(async () => {
  // Request logs on (no --quiet): the log test reads them.
  server = await startServer();
  const u = await enrollUser(server.url, 'hdr');
  token = await loginAs(server.url, u);
});
after(async () => {
  await server.stop();
});

function checkHeaders(what: string, h: Headers): void {
  const csp = h.get('content-security-policy');
  assert.ok(csp, `${what}: Content-Security-Policy`);
  assert.doesNotMatch(csp, /unsafe-inline/, `${what}: CSP allows inline code: ${csp}`);
  assert.doesNotMatch(csp, /unsafe-eval/, `${what}: CSP allows eval: ${csp}`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP frame-ancestors`);
  assert.match(csp, /default-src 'self'/, `${what}: CSP default-src`);
  assert.match(csp, /script-src 'self'(;|$)/, `${what}: CSP script-src`);
  assert.match(csp, /object-src 'none'/, `${what}: CSP object-src`);
  assert.equal(h.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(h.get('referrer-policy'), 'no-referrer', `${what}: Referrer-Policy`);
  assert.equal(h.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
}

const asset = (path: string) => ({ path });
const auth = () => ({ authorization: `Bearer ${token}` });

describe('security headers on every kind of response', () => {
  const cases: Array<{ what: string; path: string; init?: () => RequestInit; status?: number }> = [
    { what: 'page: /login', path: '/login' },
    { what: 'page: /register', path: '/register' },
    { what: 'page: /recover', path: '/recover' },
    { what: 'page: /authority', path: '/authority', status: 200 },
    {
      what: 'API answer: certificate check',
      path: '/api/v1/certificates/check',
      init: () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ certificate: 'not one' }) }),
      status: 400,
    },
    {
      what: 'API refusal: recovery',
      path: '/api/v1/certificate/recover',
      init: () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'nobody', password: 'p', code: 'A'.repeat(26), csr: 'x' }) }),
      status: 401,
    },
    { what: 'redirect: /', path: '/' },
    { what: 'health JSON', path: '/healthz', status: 200 },
    { what: 'API JSON: users', path: '/api/v1/users', init: () => ({ headers: auth() }), status: 200 },
    { what: 'API JSON: session', path: '/api/v1/session', init: () => ({ headers: auth() }), status: 200 },
    { what: 'API JSON: conversations', path: '/api/v1/conversations', init: () => ({ headers: auth() }), status: 200 },
    { what: 'API JSON: security activity', path: '/api/v1/account/activity', init: () => ({ headers: auth() }), status: 200 },
    { what: 'API JSON: read receipts', path: '/api/v1/account/read-receipts', init: () => ({ headers: auth() }), status: 200 },
    {
      what: 'API refusal: read mark for no message',
      path: '/api/v1/conversations/nobody/read',
      init: () => ({ method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{"upTo":"999999"}' }),
      status: 404,
    },
    { what: 'API error: no session', path: '/api/v1/users', status: 401 },
    {
      what: 'API error: validation',
      path: '/api/v1/enroll',
      init: () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"login":"x"}' }),
      status: 400,
    },
    {
      what: 'API error: malformed JSON',
      path: '/api/v1/session/challenge',
      init: () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }),
      status: 400,
    },
    {
      what: 'API error: 415',
      path: '/api/v1/session/challenge',
      init: () => ({ method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<a/>' }),
      status: 415,
    },
    {
      what: 'API error: 413',
      path: '/api/v1/enroll',
      init: () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: `"${'x'.repeat(70_000)}"` }),
      status: 413,
    },
    { what: '404', path: '/no/such/thing', status: 404 },
    { what: '404 under /api', path: '/api/v1/nothing-here', status: 404 },
    { what: '404 asset', path: '/assets/none.css', status: 404 },
    { ...asset('/assets/css/app.css'), what: 'asset: stylesheet', status: 200 },
    { ...asset('/assets/icons/logo.svg'), what: 'asset: SVG icon', status: 200 },
    { ...asset('/assets/htmx.min.js'), what: 'asset: htmx', status: 200 },
    { what: 'CA: root.pem', path: '/ca/root.pem', status: 200 },
    { what: 'CA: chain.pem', path: '/ca/chain.pem', status: 200 },
    { what: 'CA: intermediate.cer', path: '/ca/intermediate.cer', status: 200 },
    { what: 'CRL', path: '/ca/crl', status: 200 },
    {
      what: 'OCSP (garbage in, malformedRequest out)',
      path: '/ocsp',
      init: () => ({ method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: new Uint8Array([1, 2, 3]) }),
      status: 200,
    },
    // The revocation routes are mounted ahead of the app's layers and set these headers themselves.
    { what: 'OCSP GET (garbage in, malformedRequest out)', path: '/ocsp/AQID', status: 200 },
    { what: 'CRL as PEM', path: '/ca/crl.pem', status: 200 },
    {
      what: 'OCSP refusal: a body over the limit',
      path: '/ocsp',
      init: () => ({ method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: new Uint8Array(70_000) }),
      status: 413,
    },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const res = await fetch(`${server.url}${c.path}`, { redirect: 'manual', ...c.init?.() });
      await res.arrayBuffer();
      if (c.status !== undefined) assert.equal(res.status, c.status, `${c.what}: status`);
      assert.ok(res.status < 500, `${c.what}: status ${res.status}`);
      checkHeaders(c.what, res.headers);
    });
  }

  it('the SSE stream', async () => {
    const ac = new AbortController();
    const res = await fetch(`${server.url}/api/v1/events`, { headers: { ...auth(), accept: 'text/event-stream' }, signal: ac.signal });
    try {
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
      checkHeaders('SSE', res.headers);
    } finally {
      ac.abort();
    }
  });

  it('Cache-Control: no-store on every answer that depends on the session (issue 16.6)', async () => {
    const login = (await (await fetch(`${server.url}/api/v1/session`, { headers: auth() })).json()).login;
    const serial = (await (await fetch(`${server.url}/api/v1/certificate`, { headers: auth() })).json()).serial;
    const paths = [
      '/api/v1/session',
      '/api/v1/sessions',
      '/api/v1/users',
      `/api/v1/users/${login}/certificate`,
      `/api/v1/messages?with=${login === 'nobody' ? 'someone' : 'nobody'}`,
      '/api/v1/conversations',
      '/api/v1/certificate',
      '/api/v1/certificate.pem',
      `/api/v1/certificates/${serial}`,
      '/api/v1/account/activity',
      '/api/v1/account/read-receipts',
      '/chat',
      '/certificate',
    ];
    for (const path of paths) {
      const res = await fetch(`${server.url}${path}`, { headers: auth(), redirect: 'manual' });
      await res.arrayBuffer();
      assert.ok(res.status < 400, `${path}: ${res.status}`);
      assert.equal(res.headers.get('cache-control'), 'no-store', path);
    }
    const ac = new AbortController();
    const events = await fetch(`${server.url}/api/v1/events`, { headers: auth(), signal: ac.signal });
    assert.equal(events.headers.get('cache-control'), 'no-store', 'the event stream');
    ac.abort();
  });

  it('answers to HEAD and to an unknown method', async () => {
    for (const method of ['HEAD', 'PUT', 'PATCH']) {
      const res = await fetch(`${server.url}/healthz`, { method });
      await res.arrayBuffer();
      assert.ok(res.status < 500, `${method} ${res.status}`);
      checkHeaders(method, res.headers);
    }
  });
});

describe('cross-site requests', () => {
  const forged = (type: string, body: BodyInit, origin = 'https://evil.example') =>
    fetch(`${server.url}/api/v1/enroll`, { method: 'POST', headers: { origin, 'content-type': type }, body });

  for (const [type, body] of [
    ['application/x-www-form-urlencoded', 'login=mallory&password=whatever-whatever'],
    ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="login"\r\n\r\nmallory\r\n--xyz--\r\n'],
    ['text/plain', 'login=mallory'],
  ] as const) {
    it(`refuses a ${type.split(';')[0]} post from another site with 403 and the error shape`, async () => {
      const res = await forged(type, body);
      assert.equal(res.status, 403);
      const json = (await res.json()) as { error: string; message: string };
      assert.equal(json.error, 'forbidden');
      assert.equal(typeof json.message, 'string');
      checkHeaders('CSRF refusal', res.headers);
    });
  }

  it('refuses a form post that a browser marks cross-site, even without Origin', async () => {
    const res = await fetch(`${server.url}/api/v1/session/challenge`, {
      method: 'POST',
      headers: { 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'login=mallory',
    });
    assert.equal(res.status, 403);
  });

  it('lets the same origin post a form (the refusal is about the origin, not the form)', async () => {
    const res = await forged('application/x-www-form-urlencoded', 'login=mallory', server.url);
    assert.equal(res.status, 400, 'validation, not CSRF');
    assert.equal(((await res.json()) as { error: string }).error, 'validation');
  });
});

describe('the server log', () => {
  it('holds no password, private key, token, card number or message text after a whole flow', async () => {
    const secretText = `meet me at the blue door at ${crypto.randomUUID()}`;
    const alice = await webUser(server.url, 'logalice');
    const bob = await webUser(server.url, 'logbob');
    const bobEvents = await openEvents(server.url, bob.token);
    const e = await envelopeFor(alice, bob, secretText);
    assert.equal((await send(server.url, alice, e)).status, 201);
    await bobEvents.waitFor('message');
    bobEvents.close();

    // Failures on the way: a wrong password, an enrollment refused with a password in it, a CSR
    // whose key is in the body by mistake.
    const carol = await enrollUser(server.url, 'logcarol');
    const wrongPassword = `not ${carol.password} at all`;
    assert.equal((await attemptLogin(server.url, { ...carol, password: wrongPassword })).status, 401);
    const key = makeCsr();
    const refused = enrollBody('logdave', key).body;
    const leaky = await postJson(`${server.url}/api/v1/enroll`, { ...refused, csr: key.key, email: 'not an email' });
    assert.equal(leaky.status, 400);
    const answer = JSON.stringify(leaky.json);
    assert.ok(!answer.includes('PRIVATE KEY') && !answer.includes(key.key.split('\n')[1]), 'the refusal echoes the private key');
    assert.ok(!answer.includes(refused.password), 'the refusal echoes the password');
    // A private key pasted where a certificate belongs, in the API and in the authority page's form.
    const pasted = await postJson(`${server.url}/api/v1/certificates/check`, { certificate: key.key });
    assert.equal(pasted.status, 400);
    assert.ok(!JSON.stringify(pasted.json).includes(key.key.split('\n')[1]), 'the check echoes the private key');
    const form = new FormData();
    form.set('certificate', key.key);
    const page = await (await fetch(`${server.url}/authority`, { method: 'POST', body: form })).text();
    assert.ok(!page.includes(key.key.split('\n')[1]), 'the authority page echoes the private key');
    const carolToken = await loginAs(server.url, carol);
    // A password change, refused once (wrong current password), then made.
    const carolNext = `a new passphrase for ${carol.login}`;
    const change = (body: unknown) => postJson(`${server.url}/api/v1/account/password`, body, { authorization: `Bearer ${carolToken}` });
    assert.equal((await change({ currentPassword: wrongPassword, newPassword: carolNext })).status, 400);
    assert.equal((await change({ currentPassword: carol.password, newPassword: carolNext })).status, 200);
    const out = await fetch(`${server.url}/api/v1/session`, { method: 'DELETE', headers: { authorization: `Bearer ${carolToken}` } });
    assert.equal(out.status, 204);
    await new Promise((r) => setTimeout(r, 200)); // the last log lines

    const log = server.output();
    assert.match(log, /"msg":"request"/, 'request logs are on');
    assert.match(log, /"path":"\/api\/v1\/messages"/);
    const secrets: Record<string, string> = {
      'alice password': alice.password,
      'bob password': bob.password,
      'carol password': carol.password,
      'wrong password': wrongPassword,
      'carol new password': carolNext,
      'refused enrollment password': refused.password,
      'alice token': alice.token,
      'bob token': bob.token,
      'carol token': carolToken,
      'first token': token,
      'card number': carol.body.cardNumber,
      'refused card number': refused.cardNumber,
      'message text': secretText,
      'part of the message text': 'blue door',
      'envelope ciphertext': e.ct.slice(0, 40),
      'private key': 'PRIVATE KEY',
      'private key body': key.key.split('\n')[1],
    };
    for (const [what, secret] of Object.entries(secrets)) {
      assert.ok(!log.includes(secret), `the log holds the ${what}`);
    }
  });
});
