// Request headers read from Node's parsed request (src/web/request-header.ts) say what Hono's
// `c.req.header` says, under @hono/node-server and in app.request alike.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { requestCookie, requestHeader } from '../src/web/request-header.ts';

const NAMES = ['content-type', 'authorization', 'x-many', 'origin', 'absent'];

const app = new Hono().get('/', (c) =>
  c.json({
    ours: Object.fromEntries(NAMES.map((n) => [n, requestHeader(c, n) ?? null])),
    hono: Object.fromEntries(NAMES.map((n) => [n, c.req.header(n) ?? null])),
    cookie: requestCookie(c, 'tekup_session') ?? null,
    missingCookie: requestCookie(c, 'other') ?? null,
  }),
);

// Raw header pairs, so that x-many really arrives twice.
const HEADERS = ['Content-Type', 'application/json', 'Authorization', 'Bearer abc', 'X-Many', 'one', 'X-Many', 'two', 'Origin', 'http://example.test', 'Cookie', 'a=1; tekup_session=tok%20en; b=2'];

describe('request headers from Node', () => {
  it('agree with Hono under the Node server, repeated headers and cookies included', async () => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      const body = await new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/', headers: ['Host', `127.0.0.1:${port}`, ...HEADERS] }, (res) => {
          let text = `${res.statusCode} `;
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(body.slice(0, 3), '200', body);
      const r = JSON.parse(body.slice(4));
      assert.deepEqual(r.ours, r.hono);
      assert.equal(r.ours['x-many'], 'one, two');
      assert.equal(r.cookie, 'tok en');
      assert.equal(r.missingCookie, null);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('fall back to Hono outside the Node server', async () => {
    const headers = new Headers();
    for (let i = 0; i < HEADERS.length; i += 2) headers.append(HEADERS[i], HEADERS[i + 1]);
    const r = await (await app.request('/', { headers })).json();
    assert.deepEqual(r.ours, r.hono);
    assert.equal(r.cookie, 'tok en');
  });
});
