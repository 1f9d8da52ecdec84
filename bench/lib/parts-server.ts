// The message path's irreducible parts composed into a server, and nothing else: a bare Hono JSON
// POST (bench/lib/bare-hono.ts), the session looked up in a Map by its bearer token, the envelope's
// signed text, and the server's own message store admitting it (`MessageStore.admit`: on SQLite
// the message writer's thread verifies the RSA-PSS signature and group-commits, the WAL synced
// before answering; on PostgreSQL the verifier thread and postgres.js's group commit). None of the
// protocol's checks (§5: the envelope's schema, the sender's certificate and its status, the
// recipients' current certificates, the clock), no directory, no presence, no events: its CPU per
// message is what the parts cost once they have to work together (thread hand-offs, batches as
// they come, the writer's checkpoints), the floor of any server doing this work here.
//
// Run as its own process by bench/cluster.bench.ts: `parts-server.ts USERS.json DIR [DATABASE_URL]`
// (each user's token, serial and certificate PEM; the store in DIR, or in PostgreSQL);
// prints the port it listens on.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { openSqliteStorage } from '../../src/store/sqlite/open.ts';
import { openPostgresStorage } from '../../src/store/postgres/open.ts';
import { envelopeSigningText, type Envelope } from '../../src/protocol/envelope.ts';

export interface PartsUser {
  token: string;
  serial: string;
  certificate: string;
}

const [usersFile, dir, databaseUrl] = process.argv.slice(2);
const users = JSON.parse(readFileSync(usersFile, 'utf8')) as PartsUser[];
const byToken = new Map(users.map((u) => [u.token, { serial: u.serial, der: new Uint8Array(new X509Certificate(u.certificate).raw) }]));

// The store as the server opens it (its migrations, its writer and checkpoints), of which only the
// messages are used.
const storage = databaseUrl ? await openPostgresStorage(databaseUrl) : openSqliteStorage(dir, { server: true, onCheckpointError: () => {} });

const app = new Hono();
app.post('/api/v1/messages', async (c) => {
  const signer = byToken.get((c.req.header('authorization') ?? '').slice('Bearer '.length));
  if (!signer) return c.json({ error: 'unauthorized' }, 401);
  const e = (await c.req.json()) as Envelope;
  const receivedAt = new Date().toISOString();
  const r = await storage.messages.admit({ envelope: e, receivedAt, signedText: envelopeSigningText(e), signer });
  if ('refused' in r) return c.json({ error: 'message_rejected', reason: r.refused }, 400);
  return c.json({ id: e.id, receivedAt }, 201);
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
process.on('SIGTERM', () => server.close(() => void storage.close().then(() => process.exit(0))));
