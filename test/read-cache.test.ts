// Session, certificate and user rows are kept in memory between writes (src/store/read-cache.ts).
// What must hold: a write by this process is seen by the very next read, a write by another
// process (another connection to the same file) by the next turn of the event loop, and nothing
// read inside a transaction that is then rolled back is ever answered from memory.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { openDatabase, transaction } from '../src/store/sqlite/sqlite.ts';
import { SqliteCertificateRecords } from '../src/store/sqlite/certificates.ts';
import { SqliteSessionStore } from '../src/store/sqlite/sessions.ts';
import { ReadCache } from '../src/store/sqlite/read-cache.ts';
import type { CertificateRecord } from '../src/pki/records.ts';
import { tempDir } from './helpers/server.ts';
import { stagedRecord as record } from './helpers/records.ts';

function twoConnections() {
  const file = join(tempDir('tekup-read-cache-'), 'tekup.db');
  const ours = openDatabase(file);
  const records = new SqliteCertificateRecords(ours);
  // The admin command line, or the sqlite3 shell: another connection to the same file.
  const theirs = openDatabase(file);
  return { ours, records, theirs, close: () => (ours.close(), theirs.close()) };
}

describe('the read cache', () => {
  it('sees a revocation made by this process at once', async () => {
    const { records, close } = twoConnections();
    try {
      await records.stage(record('0a'));
      await records.confirm('0a');
      assert.equal((await records.get('0a'))?.revokedAt, undefined);
      assert.ok(await records.revoke('0a', 'keyCompromise', '2026-06-01T00:00:00.000Z'));
      // Same turn of the event loop, no await in between.
      assert.equal((await records.get('0a'))?.revokedAt, '2026-06-01T00:00:00.000Z');
      assert.equal((await records.get('0a'))?.revocationReason, 'keyCompromise');
    } finally {
      close();
    }
  });

  it('sees a revocation made by another process on the next turn', async () => {
    const { records, theirs, close } = twoConnections();
    try {
      await records.stage(record('0b'));
      await records.confirm('0b');
      assert.equal((await records.get('0b'))?.revokedAt, undefined);
      await nextTurn();
      assert.equal((await records.get('0b'))?.revokedAt, undefined, 'read once more: now from memory');
      theirs.prepare(`UPDATE certificates SET revoked_at = '2026-07-01T00:00:00.000Z', revocation_reason = 'cessationOfOperation' WHERE serial = '0b'`).run();
      await nextTurn();
      assert.equal((await records.get('0b'))?.revokedAt, '2026-07-01T00:00:00.000Z');
    } finally {
      close();
    }
  });

  it('sees rows another process deletes or adds', async () => {
    const { ours, theirs, close } = twoConnections();
    const sessions = new SqliteSessionStore(ours);
    try {
      const s = { tokenHash: 'h1', login: 'alice', certSerial: '0c', createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2027-01-01T00:00:00.000Z' };
      assert.equal(await sessions.get('h1'), undefined, 'absent, and remembered as absent');
      await nextTurn();
      theirs.prepare('INSERT INTO sessions (token_hash, login, cert_serial, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(s.tokenHash, s.login, s.certSerial, s.createdAt, s.expiresAt);
      await nextTurn();
      assert.deepEqual(await sessions.get('h1'), s);
      theirs.prepare(`DELETE FROM sessions WHERE token_hash = 'h1'`).run();
      await nextTurn();
      assert.equal(await sessions.get('h1'), undefined);
    } finally {
      close();
    }
  });

  it('never answers from memory what a rolled-back transaction read', async () => {
    const { ours, records, close } = twoConnections();
    try {
      // The adapter's statements run when called, so these run inside the transaction; their
      // answers are read after it rolled back.
      let inside: Promise<CertificateRecord | undefined> | undefined;
      assert.throws(() =>
        transaction(ours, () => {
          void records.stage(record('0d'));
          inside = records.get('0d');
          throw new Error('roll back');
        }),
      );
      assert.equal((await inside)?.state, 'pending', 'visible inside its own transaction');
      assert.equal(await records.get('0d'), undefined);
      await nextTurn();
      assert.equal(await records.get('0d'), undefined);
    } finally {
      close();
    }
  });

  it('hands out frozen values, so no caller can change them for the others', async () => {
    const { records, close } = twoConnections();
    try {
      await records.stage(record('0e'));
      const r = (await records.get('0e'))!;
      assert.throws(() => {
        (r as { login: string }).login = 'mallory';
      }, TypeError);
      assert.equal((await records.get('0e'))?.login, 'alice');
    } finally {
      close();
    }
  });

  it('reads afresh when its counter is gone instead of guessing', async () => {
    const { ours, theirs, close } = twoConnections();
    const cache = new ReadCache<{ v: number }>(ours, 'certificates');
    try {
      let loads = 0;
      const load = () => ({ v: ++loads });
      cache.get('k', load);
      cache.get('k', load);
      assert.equal(loads, 1, 'the second read came from memory');
      theirs.exec(`DELETE FROM write_counters WHERE name = 'certificates'`);
      await nextTurn();
      cache.get('k', load);
      cache.get('k', load);
      assert.equal(loads, 3);
    } finally {
      close();
    }
  });
});
