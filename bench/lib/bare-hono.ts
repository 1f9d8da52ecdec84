// The baseline for message acceptance: a bare Hono JSON POST handler on @hono/node-server, which
// parses the body and answers 201 with JSON, nothing else. Run as its own process; prints its port.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';

const app = new Hono();
app.post('/api/v1/messages', async (c) => {
  const body = (await c.req.json()) as { id?: string };
  return c.json({ id: body.id, receivedAt: new Date().toISOString() }, 201);
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
