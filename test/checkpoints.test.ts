// WAL checkpoints run on their own thread (src/store/checkpoints.ts): what the server commits
// reaches the database file itself without any statement on the server's connection doing it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase, prepared } from '../src/store/sqlite/sqlite.ts';
import { startCheckpoints } from '../src/store/sqlite/checkpoints.ts';
import { tempDir } from './helpers/server.ts';

describe('the checkpoint worker', () => {
  it('copies committed pages into the database file, then stops and lets the connection close', async () => {
    const file = join(tempDir('tekup-checkpoints-'), 'tekup.db');
    const db = openDatabase(file);
    const errors: string[] = [];
    const marker = `marker-${crypto.randomUUID()}`;
    db.exec('CREATE TABLE t (v TEXT)');
    // INSERT … RETURNING through get(): the kind of statement that never triggers SQLite's own
    // checkpoint, and far below its threshold anyway.
    prepared(db, 'INSERT INTO t (v) VALUES (?) RETURNING rowid').get(marker);
    assert.ok(readFileSync(`${file}-wal`).includes(marker), 'committed into the WAL');
    assert.ok(!readFileSync(file).includes(marker), 'not yet in the database file');
    // Only now: a worker started first may copy the page between the insert and the look at the
    // file (a loaded machine delays its first round until just then).
    const checkpoints = startCheckpoints(db, (e) => errors.push(e));
    try {
      // The worker copies, then reports its round: the file can show the page before the report
      // has reached this thread (the CI run that failed here), so wait for both.
      for (let i = 0; i < 100 && !(readFileSync(file).includes(marker) && checkpoints.rounds > 0); i++) await sleep(50);
      assert.ok(readFileSync(file).includes(marker), 'copied into the database file by the worker');
      assert.ok(checkpoints.rounds > 0);
      assert.deepEqual(errors, []);
    } finally {
      await checkpoints.stop();
      await checkpoints.stop(); // twice is fine
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      db.close();
    }
    const again = openDatabase(file);
    assert.deepEqual({ ...(again.prepare('SELECT v FROM t').get() as object) }, { v: marker });
    again.close();
  });

  it('does nothing for an in-memory database', async () => {
    const db = openDatabase(':memory:');
    const checkpoints = startCheckpoints(db);
    assert.equal(checkpoints.rounds, 0);
    await checkpoints.stop();
    db.close();
  });
});
