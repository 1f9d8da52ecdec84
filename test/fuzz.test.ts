// Property tests (fast-check) on every JSON route of the real server and on the parsers that take
// untrusted PEM/DER: whatever arrives — garbage, wrong types, near-miss bodies, mutated CSRs and
// certificates — the answer is never a 5xx, always the error shape {error, message}, and the
// server keeps running. Oversized and deeply nested bodies are refused early (413/400) and leave
// the server healthy.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { startServer, type Running } from './helpers/server.ts';
import { makeCsr } from './helpers/openssl.ts';
import { enrollUser, loginAs, signChallenge, type Enrolled } from './helpers/login.ts';
import { checkCsr } from '../src/pki/csr.ts';
import { parseCertificate } from '../src/pki/validate.ts';
import { DomainError } from '../src/protocol/errors.ts';
import { x509 } from '../src/pki/x509.ts';

let server: Running;
/** A logged-in user for the routes behind a session; replaced when a fuzz case ends its session. */
let me: Enrolled & { token: string };
let peer: Enrolled;
let csrPem: string;
let csrDer: Uint8Array;
let certDer: Uint8Array;

async function freshUser(): Promise<void> {
  const u = await enrollUser(server.url, 'fuzz');
  me = { ...u, token: await loginAs(server.url, u) };
}

before(async () => {
  server = await startServer();
  await freshUser();
  peer = await enrollUser(server.url, 'fuzzpeer');
  csrPem = makeCsr('/O=Fuzz').csr;
  csrDer = new Uint8Array(x509.PemConverter.decode(csrPem)[0]);
  certDer = new Uint8Array(x509.PemConverter.decode(me.certificate)[0]);
});
after(async () => {
  await server.stop();
});

interface Answer {
  status: number;
  type: string;
  text: string;
}

/** One request over node:http (so any body, header and size can be sent as is). */
function call(method: string, path: string, body: string | Uint8Array | undefined, headers: Record<string, string> = {}, chunked = false): Promise<Answer> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { ...headers, ...(body !== undefined && !chunked ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    // The server may answer (413) and close before a large body is all sent: an error after the
    // answer arrived changes nothing; one before it fails the request.
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', (err) => (answered ? undefined : reject(err)));
    if (body !== undefined && chunked) {
      const b = Buffer.from(body);
      for (let i = 0; i < b.length; i += 16 * 1024) req.write(b.subarray(i, i + 16 * 1024));
      req.end();
    } else req.end(body);
  });
}

/** The protocol's promises for any answer: no 5xx; a refusal is JSON {error: string, message: string}. */
function checkAnswer(a: Answer, what: string): void {
  assert.ok(a.status >= 200 && a.status < 500, `${what}: status ${a.status} ${a.text.slice(0, 300)}`);
  if (a.status >= 400) {
    assert.match(a.type, /^application\/json/, `${what}: error content type ${a.type}`);
    const json = JSON.parse(a.text) as { error?: unknown; message?: unknown };
    assert.equal(typeof json.error, 'string', `${what}: error code in ${a.text.slice(0, 300)}`);
    assert.equal(typeof json.message, 'string', `${what}: message in ${a.text.slice(0, 300)}`);
  }
}

async function alive(): Promise<void> {
  assert.equal(server.proc.exitCode, null, `the server died:\n${server.output().slice(-2000)}`);
  const res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
}

// ——— generators ———

const pem = (label: string, der: Uint8Array) => x509.PemConverter.encode(new Uint8Array(der).buffer, label);

/** A DER structure with a few bytes changed, cut short or grown: the near misses a parser meets. */
const mutated = (der: () => Uint8Array) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.option(fc.nat(), { nil: undefined }),
      fc.option(fc.uint8Array({ maxLength: 8 }), { nil: undefined }),
    )
    .map(([edits, cut, extra]) => {
      const src = der();
      let out = new Uint8Array(src);
      for (const [pos, byte] of edits) out[pos % out.length] = byte;
      if (cut !== undefined) out = out.slice(0, cut % (out.length + 1));
      if (extra) out = new Uint8Array([...out, ...extra]);
      return out;
    });

/** Text a PEM field could receive: anything, PEM-looking garbage, or a mutated real structure. */
const pemText = (label: string, der: () => Uint8Array) =>
  fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc.uint8Array({ maxLength: 600 }).map((b) => pem(label, b)),
    mutated(der).map((b) => pem(label, b)),
    fc.string({ maxLength: 80 }).map((s) => `-----BEGIN ${label}-----\n${s}\n-----END ${label}-----`),
    fc.constantFrom(`-----BEGIN ${label}-----\n-----END ${label}-----`, `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----`),
  );

/** Any JSON value, including the awkward ones. */
const anyValue = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue({ maxDepth: 3 }),
  fc.string(),
  fc.constantFrom(null, true, 0, -1, 1e308, '', ' ', '\u0000', '💥', 'a'.repeat(2000)),
);

/** An object with the route's field names (each maybe missing) and arbitrary values: gets past "is it an object". */
const shaped = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.record(Object.fromEntries(Object.entries(fields).map(([k, arb]) => [k, fc.oneof(arb, anyValue)])), { requiredKeys: [] });

/** Raw bodies: not JSON at all, JSON of the wrong shape, or JSON with a twist. */
const rawBody = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.json({ maxDepth: 4 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.constantFrom('', '{', '[]', 'null', '"x"', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}', '\uFEFF{}', '{"a":1,"a":2}'),
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  fc.constantFrom('application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/json;', ''),
  fc.string({ maxLength: 30 }),
);

const validHeader = (s: string) => /^[\t\x20-\x7e]*$/.test(s);

// ——— routes ———

interface Route {
  path: string;
  auth: boolean;
  structured: () => fc.Arbitrary<unknown>;
}

const routes: Route[] = [
  {
    path: '/api/v1/enroll',
    auth: false,
    structured: () =>
      shaped({
        cardNumber: fc.stringMatching(/^\d{6,10}$/),
        firstName: fc.string(),
        lastName: fc.string(),
        login: fc.stringMatching(/^[a-z][a-z0-9._-]{0,40}$/),
        email: fc.emailAddress(),
        password: fc.string({ maxLength: 40 }),
        csr: pemText('CERTIFICATE REQUEST', () => csrDer),
      }),
  },
  { path: '/api/v1/session/challenge', auth: false, structured: () => shaped({ login: fc.string() }) },
  {
    path: '/api/v1/session',
    auth: false,
    structured: () =>
      shaped({
        login: fc.constantFrom(me.login, peer.login, 'nobody'),
        password: fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.constant(me.password)),
        certificate: fc.oneof(pemText('CERTIFICATE', () => certDer), fc.constant(me.certificate), fc.constant(peer.certificate)),
        challenge: fc.oneof(fc.string(), fc.constant('TEKUP_chat login v1 x')),
        signature: fc.oneof(fc.base64String({ maxLength: 400 }), fc.string(), fc.constant(signChallenge(me.keyPem, 'x'))),
      }),
  },
  {
    path: '/api/v1/messages',
    auth: true,
    structured: () =>
      shaped({
        v: fc.constantFrom(1, 2, '1'),
        id: fc.oneof(fc.uuid({ version: 4 }), fc.string()),
        from: fc.constantFrom(me.login, peer.login, 'nobody'),
        to: fc.constantFrom(peer.login, me.login, 'nobody'),
        sentAt: fc.oneof(fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()), fc.constant(new Date().toISOString())),
        cert: fc.oneof(fc.constant(me.serial), fc.stringMatching(/^[0-9a-f]{1,40}$/)),
        iv: fc.oneof(fc.uint8Array({ minLength: 12, maxLength: 12 }).map((b) => Buffer.from(b).toString('base64')), fc.base64String()),
        ct: fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 300 }).map((b) => Buffer.from(b).toString('base64')), fc.base64String()),
        keys: fc.oneof(
          fc.uint8Array({ minLength: 256, maxLength: 256 }).map((b) => ({ [me.login]: Buffer.from(b).toString('base64'), [peer.login]: Buffer.from(b).toString('base64') })),
          fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
        ),
        sig: fc.oneof(fc.uint8Array({ minLength: 256, maxLength: 256 }).map((b) => Buffer.from(b).toString('base64')), fc.base64String({ maxLength: 400 })),
      }),
  },
  {
    path: '/api/v1/certificate/renew',
    auth: true,
    structured: () => shaped({ csr: pemText('CERTIFICATE REQUEST', () => csrDer), reason: fc.constantFrom('superseded', 'keyCompromise', 'x') }),
  },
  {
    path: '/api/v1/certificate/recover',
    auth: false,
    structured: () =>
      shaped({
        login: fc.constantFrom(me.login, peer.login, 'nobody'),
        password: fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.constant(me.password)),
        newPassword: fc.oneof(fc.string({ maxLength: 40 }), fc.constant('a brand new passphrase')),
        code: fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[0-9A-Za-z-]{26,32}$/)),
        csr: pemText('CERTIFICATE REQUEST', () => csrDer),
      }),
  },
  {
    path: '/api/v1/certificate/revoke',
    auth: true,
    // Always with a reason that is not one of the four: a valid (or absent) one really revokes.
    structured: () =>
      fc.record({ reason: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 2 })).filter((r) => !['keyCompromise', 'cessationOfOperation', 'affiliationChanged', 'unspecified'].includes(r as string) && r !== undefined) }),
  },
  {
    path: '/api/v1/account/password',
    auth: true,
    structured: () =>
      shaped({
        currentPassword: fc.oneof(fc.string({ maxLength: 30 }), fc.constant(me.password)),
        newPassword: fc.oneof(fc.string({ maxLength: 40 }), fc.constant('a brand new passphrase')),
      }),
  },
  {
    path: '/api/v1/certificates/check',
    auth: false,
    structured: () => shaped({ certificate: fc.oneof(pemText('CERTIFICATE', () => certDer), fc.constant(me.certificate), fc.string()) }),
  },
  {
    // The peer need not exist: the login's shape is checked, then the seq must be one of the conversation's.
    path: '/api/v1/conversations/fuzzpeer/read',
    auth: true,
    structured: () => shaped({ upTo: fc.oneof(fc.stringMatching(/^\d{1,17}$/), fc.string(), fc.integer()) }),
  },
];

async function post(route: Route, body: string, type: string): Promise<Answer> {
  const headers: Record<string, string> = type ? { 'content-type': type } : {};
  if (route.auth) headers.authorization = `Bearer ${me.token}`;
  const a = await call('POST', route.path, body, headers);
  // A case that happened to end the session (a renewal with keyCompromise, say): carry on as someone new.
  if (route.auth && a.status === 401) await freshUser();
  if (route.auth && a.status >= 200 && a.status < 300 && route.path !== '/api/v1/messages') await freshUser();
  return a;
}

describe('every JSON route, with fast-check', () => {
  for (const route of routes) {
    it(`${route.path}: raw bodies and content types → never 5xx, always the error shape`, async () => {
      await fc.assert(
        fc.asyncProperty(rawBody, contentType.filter(validHeader), async (body, type) => {
          checkAnswer(await post(route, body, type), `${route.path} ${type} ${JSON.stringify(body).slice(0, 200)}`);
        }),
        { numRuns: 150 },
      );
      await alive();
    });

    it(`${route.path}: bodies shaped like the real one → never 5xx, always the error shape`, async () => {
      await fc.assert(
        fc.asyncProperty(route.structured(), async (body) => {
          checkAnswer(await post(route, JSON.stringify(body), 'application/json'), `${route.path} ${JSON.stringify(body).slice(0, 300)}`);
        }),
        // Routes that hash a password on most cases (~80 ms each) get fewer runs.
        { numRuns: ['/api/v1/session', '/api/v1/certificate/recover', '/api/v1/account/password'].includes(route.path) ? 60 : 150 },
      );
      await alive();
    });
  }

  it('the login in POST /api/v1/conversations/{login}/read → never 5xx, always the error shape', async () => {
    const segment = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('..', '%00', '%2e%2e', '%ZZ', '😀', me.login, peer.login)).map((s) => encodeURIComponent(s));
    await fc.assert(
      fc.asyncProperty(segment, fc.stringMatching(/^[1-9]\d{0,5}$/), async (s, upTo) => {
        const a = await call('POST', `/api/v1/conversations/${s}/read`, JSON.stringify({ upTo }), { 'content-type': 'application/json', authorization: `Bearer ${me.token}` });
        checkAnswer(a, `/api/v1/conversations/${s}/read`);
      }),
      { numRuns: 150 },
    );
    await alive();
  });

  it('queries and paths of the GET routes → never 5xx', async () => {
    const segment = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('..', '%00', '%2e%2e', '%ZZ', '😀', me.login)).map((s) => encodeURIComponent(s));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/v1/messages?with=', '/api/v1/messages?after=', '/api/v1/users/', '/api/v1/events?lastEventId=', '/api/v1/conversations?', '/assets/', '/ocsp/', '/ca/'),
        segment,
        async (prefix, s) => {
          const ac = new AbortController();
          const res = await fetch(`${server.url}${prefix}${s}`, { headers: { authorization: `Bearer ${me.token}` }, signal: ac.signal });
          const ok = res.status < 500;
          ac.abort(); // an event stream never ends by itself
          assert.ok(ok, `${prefix}${s}: ${res.status}`);
        },
      ),
      { numRuns: 150 },
    );
    await alive();
  });
});

describe('the CSR and certificate parsers, with fast-check', () => {
  it('checkCsr either accepts or refuses with bad_csr, for any text', async () => {
    await fc.assert(
      fc.asyncProperty(pemText('CERTIFICATE REQUEST', () => csrDer), async (text) => {
        try {
          await checkCsr(text, undefined, 2048);
        } catch (err) {
          assert.ok(err instanceof DomainError, `not a DomainError: ${(err as Error)?.stack}`);
          assert.equal(err.code, 'bad_csr');
          assert.ok(err.message.length > 0);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('checkCsr with an applicant reads every name of a mutated request without throwing anything but bad_csr', async () => {
    const who = { login: 'amira', firstName: 'Amira', lastName: 'Ben Salah', email: 'amira@example.org' };
    await fc.assert(
      fc.asyncProperty(mutated(() => csrDer), async (der) => {
        try {
          await checkCsr(pem('CERTIFICATE REQUEST', der), who, 2048);
        } catch (err) {
          assert.ok(err instanceof DomainError && err.code === 'bad_csr', `${(err as Error)?.stack}`);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('parseCertificate either parses or refuses with bad_certificate, for any text; what it parses can be read', async () => {
    await fc.assert(
      fc.property(pemText('CERTIFICATE', () => certDer), (text) => {
        let cert: ReturnType<typeof parseCertificate>;
        try {
          cert = parseCertificate(text);
        } catch (err) {
          assert.ok(err instanceof DomainError, `not a DomainError: ${(err as Error)?.stack}`);
          assert.equal(err.code, 'certificate_rejected');
          assert.equal(err.extra?.reason, 'bad_certificate');
          return;
        }
        // What the login path reads next must not throw for a certificate that parsed.
        void cert.issuer;
        void cert.validFromDate;
        void cert.validToDate;
        void cert.keyUsage;
        void cert.ca;
        void cert.publicKey;
      }),
      { numRuns: 1500 },
    );
  });
});

describe('oversized and deeply nested bodies', () => {
  const MIB = 1024 * 1024;
  const jsonRoutes = routes.map((r) => r.path);
  const headersFor = (path: string) => ({ 'content-type': 'application/json', ...(path.includes('/certificate/') || path.endsWith('/messages') || path.startsWith('/api/v1/conversations/') || path.startsWith('/api/v1/account/') ? { authorization: `Bearer ${me.token}` } : {}) });

  for (const chunked of [false, true]) {
    it(`refuses a 1 MiB body with 413 on every JSON route (${chunked ? 'chunked, no length' : 'with Content-Length'})`, { timeout: 60_000 }, async () => {
      const big = JSON.stringify({ login: 'x'.repeat(MIB) });
      for (const path of jsonRoutes) {
        const a = await call('POST', path, big, headersFor(path), chunked);
        assert.equal(a.status, 413, `${path}: ${a.status} ${a.text.slice(0, 200)}`);
        checkAnswer(a, path);
        assert.equal(JSON.parse(a.text).error, 'payload_too_large');
      }
      await alive();
    });
  }

  /**
   * As a careful client does it: send everything it can, stop writing if the connection says no
   * (EPIPE, ECONNRESET), and read whatever answer came back. Only a server that answers and then
   * lets the sender finish keeps that answer from being reset away.
   */
  function rawPost(path: string, body: string, chunked: boolean): Promise<{ status: number; text: string }> {
    const url = new URL(server.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname);
      const got: Buffer[] = [];
      socket.on('data', (d: Buffer) => got.push(d));
      socket.on('error', () => {}); // how the write ended; the answer is what counts
      socket.on('close', () => {
        const raw = Buffer.concat(got).toString('utf8');
        const m = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n[\s\S]*?\r\n\r\n([\s\S]*)$/.exec(raw);
        if (!m) reject(new Error(`no answer read: ${JSON.stringify(raw.slice(0, 200))}`));
        else resolve({ status: Number(m[1]), text: m[2] });
      });
      const head = `POST ${path} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\nconnection: close\r\n${chunked ? 'transfer-encoding: chunked' : `content-length: ${Buffer.byteLength(body)}`}\r\n\r\n`;
      socket.write(head);
      const data = Buffer.from(body);
      for (let i = 0; i < data.length && !socket.destroyed; i += 16 * 1024) {
        const part = data.subarray(i, i + 16 * 1024);
        socket.write(chunked ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]) : part);
      }
      if (!socket.destroyed) socket.end(chunked ? '0\r\n\r\n' : '');
    });
  }

  it('answers 413 to a 1 MiB body and lets the client finish sending, so the answer is never reset away (50 times each way)', { timeout: 120_000 }, async () => {
    const big = JSON.stringify({ login: 'x'.repeat(MIB) });
    for (const chunked of [false, true]) {
      for (let i = 0; i < 50; i++) {
        const a = await rawPost('/api/v1/enroll', big, chunked);
        assert.equal(a.status, 413, `${chunked ? 'chunked' : 'with length'} #${i}: ${a.text.slice(0, 200)}`);
        assert.match(a.text, /payload_too_large/);
      }
    }
    await alive();
  });

  it('keeps a keep-alive connection usable after a 413 with a declared length', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const ask = (body: string) =>
        new Promise<{ status: number; port: number }>((resolve, reject) => {
          const req = request(new URL(`${server.url}/api/v1/session/challenge`), { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
            const port = res.socket.localPort ?? 0;
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, port }));
          });
          req.on('error', reject);
          req.end(body);
        });
      const refused = await ask(JSON.stringify({ login: 'x'.repeat(200_000) }));
      assert.equal(refused.status, 413);
      const next = await ask(JSON.stringify({ login: 'someone' }));
      assert.equal(next.status, 200);
      assert.ok(refused.port > 0);
      assert.equal(next.port, refused.port, 'the same connection served the next request');
    } finally {
      agent.destroy();
    }
  });

  it('refuses 100,000 levels of [ (413: over the size limit before any parsing)', { timeout: 60_000 }, async () => {
    for (const path of jsonRoutes) {
      const a = await call('POST', path, '['.repeat(100_000), headersFor(path));
      assert.equal(a.status, 413, `${path}: ${a.status}`);
      checkAnswer(a, path);
    }
    await alive();
  });

  it('refuses nesting that fits in 64 KiB with a 4xx and keeps serving', { timeout: 60_000 }, async () => {
    // Nested under a field each route reads (a field it ignores could leave a valid request).
    const field: Record<string, string> = {
      '/api/v1/enroll': 'login',
      '/api/v1/session/challenge': 'login',
      '/api/v1/session': 'login',
      '/api/v1/messages': 'keys',
      '/api/v1/certificate/renew': 'csr',
      '/api/v1/certificate/recover': 'code',
      '/api/v1/certificate/revoke': 'reason',
      '/api/v1/conversations/fuzzpeer/read': 'upTo',
      '/api/v1/account/password': 'newPassword',
      '/api/v1/certificates/check': 'certificate',
    };
    for (const path of jsonRoutes) {
      const deep = [
        '['.repeat(32_000) + ']'.repeat(32_000),
        `{"${field[path]}":` + '['.repeat(30_000) + ']'.repeat(30_000) + '}',
        `{"${field[path]}":` + '{"a":'.repeat(12_000) + '1' + '}'.repeat(12_001),
        '['.repeat(60_000), // unterminated
      ];
      for (const body of deep) {
        const a = await call('POST', path, body, headersFor(path));
        assert.ok(a.status === 400 || a.status === 413, `${path}: ${a.status} ${a.text.slice(0, 200)}`);
        checkAnswer(a, path);
      }
    }
    await alive();
  });
});
