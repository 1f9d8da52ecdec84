// The server on PostgreSQL (protocol §9 `--database-url`): the version 1 flow through the real
// HTTP API with every byte of state in the database, state that outlives the process, a database
// that is unreachable at start (a clear error and exit code, never a half-started server) and one
// lost while running (503 unavailable, then recovery by itself).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import postgres from 'postgres';
import { startPostgres, type Postgres } from './helpers/postgres.ts';
import { startServer, tempDir, type Running } from './helpers/server.ts';
import { openEvents } from './helpers/sse.ts';
import { envelopeFor, send, webUser } from './helpers/webuser.ts';

let pg: Postgres;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await pg.stop();
});

const count = async (table: string): Promise<number> => {
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql.unsafe(`SELECT count(*)::int AS n FROM ${table}`);
    return row.n as number;
  } finally {
    await sql.end();
  }
};

describe('one instance on PostgreSQL', () => {
  let server: Running;
  before(async () => {
    server = await startServer({ args: ['--database-url', pg.url] });
  });
  after(async () => {
    await server?.stop();
  });

  it('registers, logs in and relays a message with all state in PostgreSQL, none in the data directory', async () => {
    const alice = await webUser(server.url, 'pga');
    const bob = await webUser(server.url, 'pgb');
    const events = await openEvents(server.url, bob.token);
    try {
      const e = await envelopeFor(alice, bob, 'stored in PostgreSQL');
      const sent = await send(server.url, alice, e);
      assert.equal(sent.status, 201, JSON.stringify(sent.json));
      const [pushed] = await events.waitFor('message');
      assert.equal(JSON.parse(pushed.data).id, e.id);
    } finally {
      events.close();
    }
    assert.equal(await count('users'), 2);
    assert.equal(await count("certificates WHERE state = 'issued'"), 2);
    assert.equal(await count('messages'), 1);
    assert.ok((await count('sessions')) >= 2);
    assert.equal(existsSync(join(server.dataDir, 'tekup.db')), false, 'no SQLite file is opened with --database-url');
  });

  it('keeps everything across a restart: the session and the history still work', async () => {
    const carol = await webUser(server.url, 'pgc');
    const dave = await webUser(server.url, 'pgd');
    const e = await envelopeFor(carol, dave, 'before the restart');
    assert.equal((await send(server.url, carol, e)).status, 201);
    await server.stop();
    server = await startServer({ dataDir: server.dataDir, args: ['--database-url', pg.url] });
    const history = await fetch(`${server.url}/api/v1/messages?with=${carol.login}`, { headers: { authorization: `Bearer ${dave.token}` } });
    assert.equal(history.status, 200, 'the session opened before the restart is still valid');
    const body = (await history.json()) as { messages: Array<{ id: string }> };
    assert.deepEqual(
      body.messages.map((m) => m.id),
      [e.id],
    );
  });

  it('answers 503 unavailable while the database is down, and recovers by itself', async () => {
    const erin = await webUser(server.url, 'pge');
    const ask = () => fetch(`${server.url}/api/v1/users`, { headers: { authorization: `Bearer ${erin.token}` } });
    assert.equal((await ask()).status, 200);
    await pg.halt();
    try {
      const down = await ask();
      assert.equal(down.status, 503);
      assert.equal(((await down.json()) as { error: string }).error, 'unavailable');
      assert.ok(down.headers.get('retry-after'));
    } finally {
      await pg.start();
    }
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await ask()).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status, 200, 'the pool reconnects without a restart');
  });
});

describe('a database that cannot be reached at start', () => {
  it('exits with code 1 and says which database, without its password, and never listens', async () => {
    const dataDir = tempDir('tekup-pg-down-');
    const url = 'postgres://tekup:s3cret@127.0.0.1:1/tekup';
    const child = spawn(process.execPath, ['--import', './src/tsx-hooks.ts', 'src/main.ts', '--port', '0', '--data', dataDir, '--no-tls', '--database-url', url], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 1, out);
    assert.match(out, /cannot be used/);
    assert.match(out, /127\.0\.0\.1:1/);
    assert.doesNotMatch(out, /s3cret/);
    assert.doesNotMatch(out, /is listening/);
  });
});
