// The password-hashing threads (src/auth/hash-pool.ts) and the store helpers the server's
// latency rests on (src/store/sqlite.ts: durable, prepared): same answers as the plain calls,
// failures confined to their own job, and nothing left waiting.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2Sync } from 'node:crypto';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { HASH_PRIORITY, HashPool, hashPool } from '../src/auth/hash-pool.ts';
import { hashPassword, verifyPassword } from '../src/auth/password.ts';
import { durable, openDatabase, prepared } from '../src/store/sqlite/sqlite.ts';
import { tempDir } from './helpers/server.ts';

describe('the hash pool', () => {
  it('derives exactly what crypto.pbkdf2Sync derives, for any password', async () => {
    const cases = ['correct horse battery staple', 'Ünïcödé pässwörd 🔐', '', 'a'.repeat(1024)];
    for (const password of cases) {
      const salt = crypto.getRandomValues(new Uint8Array(16));
      const got = await hashPool.pbkdf2({ password, salt, iterations: 1_000, keylen: 32 });
      assert.ok(got.equals(pbkdf2Sync(password, salt, 1_000, 32, 'sha256')), password);
    }
  });

  it('answers many concurrent jobs on two threads, each with its own result', async () => {
    const pool = new HashPool(2);
    const jobs = Array.from({ length: 24 }, (_, i) => ({ password: `password ${i}`, salt: new Uint8Array([i]), iterations: 2_000, keylen: 32 }));
    const results = await Promise.all(jobs.map((j) => pool.pbkdf2(j)));
    results.forEach((r, i) => assert.ok(r.equals(pbkdf2Sync(jobs[i].password, jobs[i].salt, 2_000, 32, 'sha256')), `job ${i}`));
    assert.equal(pool.waiting, 0);
  });

  it('gives each thread its next job ahead, so a finished hash never waits for the event loop to hand it one', async () => {
    const pool = new HashPool(1);
    const jobs = Array.from({ length: 3 }, (_, i) => pool.pbkdf2({ password: `p${i}`, salt: new Uint8Array([i]), iterations: 20_000, keylen: 32 }));
    // One thread: the job it works on and the next are with it, the third waits in the pool.
    assert.equal(pool.waiting, 1);
    await Promise.all(jobs);
    assert.equal(pool.waiting, 0);
  });

  it('when a thread dies, fails only the job it was working on and gives the one it held to a new thread', async () => {
    const pool = new HashPool(1);
    const working = pool.pbkdf2({ password: 'a', salt: new Uint8Array([1]), iterations: 5_000_000, keylen: 32 });
    const held = pool.pbkdf2({ password: 'b', salt: new Uint8Array([2]), iterations: 1_000, keylen: 32 });
    const slots = (pool as unknown as { slots: Array<{ worker: { terminate(): Promise<number> } }> }).slots;
    await slots[0].worker.terminate();
    await assert.rejects(working, /password hashing thread exited/);
    assert.ok((await held).equals(pbkdf2Sync('b', new Uint8Array([2]), 1_000, 32, 'sha256')));
  });

  it('rejects a job that cannot be done and goes on with the next', async () => {
    const pool = new HashPool(1);
    await assert.rejects(pool.pbkdf2({ password: 'x', salt: new Uint8Array(16), iterations: 0, keylen: 32 }), /password hashing failed/);
    const ok = await pool.pbkdf2({ password: 'x', salt: new Uint8Array(16), iterations: 10, keylen: 32 });
    assert.equal(ok.length, 32);
  });

  it('hashes on threads at a lower priority, leaving the thread that called it at its own', async () => {
    const pool = new HashPool(2);
    await Promise.all([1, 2].map((i) => pool.pbkdf2({ password: `p${i}`, salt: new Uint8Array([i]), iterations: 50_000, keylen: 32 })));
    const nice = (thread: number) => {
      const stat = readFileSync(`/proc/self/task/${thread}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    assert.equal(pool.loweredThreads.length, 2, 'both threads said they lowered their priority');
    for (const t of pool.loweredThreads) assert.equal(nice(t), HASH_PRIORITY, `thread ${t}`);
    assert.equal(HASH_PRIORITY, 10);
    assert.equal(nice(process.pid), 0, 'the event loop keeps the normal priority');
  });

  it('is what hashPassword and verifyPassword use', async () => {
    const stored = await hashPassword('a long passphrase of mine', 1_000);
    assert.match(stored, /^\{PBKDF2-SHA256\}1000\$/);
    assert.equal(await verifyPassword('a long passphrase of mine', stored), true);
    assert.equal(await verifyPassword('a long passphrase of mine!', stored), false);
  });
});

describe('durable() and prepared()', () => {
  it('resolves for a database that wrote nothing yet, after writes, and for many callers at once', async () => {
    const file = join(tempDir('tekup-durable-'), 'tekup.db');
    const db = openDatabase(file);
    try {
      await durable(db);
      db.exec('CREATE TABLE t (v TEXT)');
      const insert = prepared(db, 'INSERT INTO t (v) VALUES (?)');
      const waits: Promise<void>[] = [];
      for (let i = 0; i < 50; i++) {
        insert.run(`row ${i}`);
        waits.push(durable(db));
      }
      await Promise.all(waits);
      // What was waited for is in the WAL on disk, readable by anyone opening the file now.
      assert.ok(readFileSync(`${file}-wal`).includes(Buffer.from('row 49')));
      await durable(db); // nothing new: answers at once
    } finally {
      db.close();
    }
  });

  it('compiles a statement once per database and text', () => {
    const a = openDatabase(join(tempDir('tekup-prepared-'), 'a.db'));
    const b = openDatabase(join(tempDir('tekup-prepared-'), 'b.db'));
    try {
      assert.equal(prepared(a, 'SELECT 1 AS n'), prepared(a, 'SELECT 1 AS n'));
      assert.notEqual(prepared(a, 'SELECT 1 AS n'), prepared(b, 'SELECT 1 AS n'));
      assert.deepEqual({ ...(prepared(b, 'SELECT 1 AS n').get() as object) }, { n: 1 });
    } finally {
      a.close();
      b.close();
    }
  });
});
