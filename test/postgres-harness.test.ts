// The PostgreSQL the tests start for themselves (test/helpers/postgres.ts): a real server that
// answers postgres.js, one per caller on ports of their own, run by an unprivileged user when we
// are root, and nothing left behind once stopped.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { startPostgres, type Postgres } from './helpers/postgres.ts';

const started: Postgres[] = [];
after(async () => {
  await Promise.all(started.map((p) => p.stop()));
});

async function start(): Promise<Postgres> {
  const p = await startPostgres();
  started.push(p);
  return p;
}

describe('the test PostgreSQL', () => {
  it('answers postgres.js on its URL, on loopback, in a database of its own', async () => {
    const pg = await start();
    assert.match(pg.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/tekup$/);
    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql`select 1 as one, current_database() as db, current_setting('fsync') as fsync`;
      assert.deepEqual({ ...row }, { one: 1, db: 'tekup', fsync: 'off' });
      if (process.getuid?.() === 0) {
        // PostgreSQL refuses root: its files belong to the unprivileged user it ran as.
        assert.notEqual(statSync(join(pg.dir, 'data')).uid, 0);
      }
    } finally {
      await sql.end();
    }
  });

  it('starts two at once on different ports, each with its own data', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    assert.notEqual(a.port, b.port);
    assert.notEqual(a.dir, b.dir);
    const sa = postgres(a.url, { max: 1, onnotice: () => {} });
    const sb = postgres(b.url, { max: 1, onnotice: () => {} });
    try {
      await sa`create table only_in_a (x int)`;
      const [{ n }] = await sb`select count(*)::int as n from pg_tables where tablename = 'only_in_a'`;
      assert.equal(n, 0);
    } finally {
      await Promise.all([sa.end(), sb.end()]);
    }
  });

  it('comes back on the same port after a halt, with its data', async () => {
    const pg = await start();
    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    try {
      await sql`create table kept (x int)`;
      await sql`insert into kept values (42)`;
      const port = pg.port;
      await pg.halt();
      await assert.rejects(sql`select 1`);
      await pg.start();
      assert.equal(pg.port, port);
      const [{ x }] = await sql`select x from kept`;
      assert.equal(x, 42);
    } finally {
      await sql.end();
    }
  });

  it('stop ends the server and removes its directory', async () => {
    const pg = await startPostgres();
    const sql = postgres(pg.url, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await sql`select 1`;
      await pg.stop();
      assert.equal(existsSync(pg.dir), false);
      await assert.rejects(sql`select 1`);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});
