// Every route that takes a body checks it with a schema (issue 18): walks the routes registered in
// the app as it is served and, for each POST or PUT, asks that one of its handlers is a validator of
// src/web/validate.ts, then sends it bodies no schema can accept — as someone with a session, so
// the schema is what answers. Each answer is a 4xx in the protocol's error shape: never a 5xx (a
// handler trusting its input), never a 2xx (no check at all). A route added without a schema
// fails here.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { loadConfig, withBoundPort } from '../src/config.ts';
import { createCore, type Core } from '../src/core.ts';
import { createHttp, type Http } from '../src/http.ts';
import { checkedBy } from '../src/web/validate.ts';
import { tempDir } from './helpers/server.ts';
import { webUser, type WebUser } from './helpers/webuser.ts';

/** Routes whose body is not ours to shape, and what they answer instead. */
const EXEMPT: Record<string, string> = {
  // RFC 6960: the body is a DER OCSPRequest, and every answer, even to garbage, is an OCSPResponse.
  'POST /ocsp': 'application/ocsp-response',
};
/**
 * Bodies taken as bytes, streamed as they arrive (protocol §8: an attachment): the schema is on the
 * headers (its media type), and anything but that type is refused before a byte is read.
 */
const RAW_BODIES = new Set(['POST /api/v1/attachments']);
/** A page's form post: the refusal is shown beside the field, on the page (200). */
const PAGE_FORMS = new Set(['POST /authority']);

let core: Core;
let http: Http;
let url: string;
let close: () => void;
let me: WebUser;
let peer: WebUser;

before(async () => {
  const server = serve({ fetch: (req, env) => http.app.fetch(req, env), port: 0, hostname: '127.0.0.1' });
  if (!server.listening) await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const config = withBoundPort(
    loadConfig(['--no-tls', '--quiet', '--port', '0', '--data', tempDir()], {
      TEKUP_ENROLL_PER_MINUTE: '10000',
      TEKUP_LOGIN_PER_MINUTE: '10000',
      TEKUP_ADDRESS_PER_MINUTE: '100000',
    }),
    port,
  );
  core = await createCore({ config, log: () => {} });
  http = createHttp(core);
  url = `http://127.0.0.1:${port}`;
  close = () => {
    server.close();
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  };
  me = await webUser(url, 'walk');
  peer = await webUser(url, 'walk');
});
after(async () => {
  close();
  await core.close();
});

/** The POST and PUT routes, each with every handler registered on it (middleware included). */
function bodyRoutes(): Map<string, { method: string; path: string; handlers: unknown[] }> {
  const routes = new Map<string, { method: string; path: string; handlers: unknown[] }>();
  for (const r of http.app.routes) {
    if (r.method !== 'POST' && r.method !== 'PUT' && r.method !== 'PATCH') continue;
    const key = `${r.method} ${r.path}`;
    const entry = routes.get(key) ?? { method: r.method, path: r.path, handlers: [] };
    entry.handlers.push(r.handler);
    routes.set(key, entry);
  }
  return routes;
}

/** A concrete path: each parameter given a value its schema accepts, so the body is what is judged. */
function concrete(path: string): string {
  const values: Record<string, string> = { login: peer.login, request: crypto.randomUUID(), id: crypto.randomUUID() };
  return path.replace(/:(\w+)(\{[^}]*\})?/g, (_all, name: string) => {
    assert.ok(values[name], `no value for :${name} in ${path}; add one so the walk reaches the body`);
    return values[name];
  });
}

async function send(method: string, path: string, body: string, type: string) {
  const res = await fetch(`${url}${concrete(path)}`, { method, body, headers: { 'content-type': type, authorization: `Bearer ${me.token}`, accept: 'application/json' } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text };
}

/** The protocol's error shape: `error`, a `message`, and `fields` of strings when any. */
function assertRefusal(what: string, r: { status: number; type: string; text: string }, status?: number) {
  assert.ok(r.status >= 400 && r.status < 500, `${what}: ${r.status} ${r.text.slice(0, 300)}`);
  if (status) assert.equal(r.status, status, `${what}: ${r.text.slice(0, 300)}`);
  assert.match(r.type, /^application\/json/, what);
  const body = JSON.parse(r.text) as { error: unknown; message: unknown; fields?: Record<string, unknown> };
  assert.equal(typeof body.error, 'string', what);
  assert.equal(typeof body.message, 'string', what);
  if (body.fields !== undefined) for (const m of Object.values(body.fields)) assert.equal(typeof m, 'string', `${what}: ${r.text}`);
  return body;
}

describe('every route with a body has a schema', () => {
  it('finds the routes to walk', () => {
    const keys = [...bodyRoutes().keys()];
    for (const known of ['POST /api/v1/enroll', 'POST /api/v1/messages', 'PUT /api/v1/account/read-receipts', 'POST /api/v1/conversations/:login/read']) {
      assert.ok(keys.includes(known), `${known} among ${keys.join(', ')}`);
    }
  });

  it('each POST and PUT route checks its body with a validator of src/web/validate.ts', () => {
    const missing = [...bodyRoutes()]
      .filter(([key, r]) => !EXEMPT[key] && !r.handlers.some((h) => checkedBy(h)?.target === (RAW_BODIES.has(key) ? 'header' : 'json')))
      .map(([key]) => key);
    assert.deepEqual(missing, [], `routes reading a body without a schema: ${missing.join(', ')}`);
  });

  it('each refuses {} (unless its schema accepts it), a body that is not an object, and other media types, in the error shape', async () => {
    for (const [key, r] of bodyRoutes()) {
      if (EXEMPT[key]) {
        const answer = await send(r.method, r.path, '{}', 'application/json');
        assert.equal(answer.status, 200, key);
        assert.equal(answer.type, EXEMPT[key], key);
        continue;
      }
      if (RAW_BODIES.has(key)) {
        assertRefusal(`${key} {}`, await send(r.method, r.path, '{}', 'application/json'), 415);
        assertRefusal(`${key} text/plain`, await send(r.method, r.path, 'x', 'text/plain'), 415);
        continue;
      }
      const validator = r.handlers.map((h) => checkedBy(h)).find((c) => c?.target === 'json')!;
      if (PAGE_FORMS.has(key)) {
        const page = await send(r.method, r.path, '', 'application/x-www-form-urlencoded');
        assert.equal(page.status, 200, key);
        assert.match(page.text, /Paste a certificate \(PEM\) or choose its file\./, `${key}: the error beside the field`);
        continue;
      }
      // {} is a valid request where every field is optional (a revocation with its default reason).
      const emptyIsValid = !(await validator.schema['~standard'].validate({})).issues;
      if (!emptyIsValid) {
        const refused = assertRefusal(`${key} {}`, await send(r.method, r.path, '{}', 'application/json'), 400);
        assert.ok(['validation', 'message_rejected'].includes(refused.error as string), `${key} {}: ${JSON.stringify(refused)}`);
        assert.ok(refused.fields && Object.keys(refused.fields).length > 0, `${key} {}: names what to fix`);
      }
      assertRefusal(`${key} "text"`, await send(r.method, r.path, '"text"', 'application/json'), 400);
      assertRefusal(`${key} [1]`, await send(r.method, r.path, '[1]', 'application/json'), 400);
      assertRefusal(`${key} bad JSON`, await send(r.method, r.path, '{"a":', 'application/json'), 400);
      assertRefusal(`${key} text/plain`, await send(r.method, r.path, 'x', 'text/plain'), 415);
    }
  });
});
