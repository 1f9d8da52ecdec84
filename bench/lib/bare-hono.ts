// Baselines on @hono/node-server, run as their own process (prints its port): for message
// acceptance a bare Hono JSON POST handler, which parses the body and answers 201 with JSON; for
// OCSP a bare GET handler answering fixed bytes of an OCSP response's size.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';

const app = new Hono();
app.post('/api/v1/messages', async (c) => {
  const body = (await c.req.json()) as { id?: string };
  return c.json({ id: body.id, receivedAt: new Date().toISOString() }, 201);
});
// What our responder sends about one certificate: 1,117 bytes, its responder certificate inside.
const OCSP_LIKE = new Uint8Array(1117).fill(0x30);
app.get('/ocsp/*', (c) => c.body(OCSP_LIKE, 200, { 'content-type': 'application/ocsp-response' }));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
