// The message writer (src/store/message-writer.ts) checks each envelope's signature and stores it
// on its own thread. What must hold: only what verifies is stored; answers come in the order the
// jobs were sent, with ascending seqs; a replay (even within one batch) is refused; a batch that
// cannot be committed acknowledges nothing; stopping answers everything submitted first.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, constants, createPrivateKey, sign } from 'node:crypto';
import { join } from 'node:path';
import { readFileSync, statSync } from 'node:fs';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteMessageStore } from '../src/store/sqlite/messages.ts';
import { MessageWriter, type WriteJob } from '../src/store/sqlite/message-writer.ts';
import { startCheckpoints } from '../src/store/sqlite/checkpoints.ts';
import { openssl } from './helpers/openssl.ts';
import { tempDir } from './helpers/server.ts';

function signer() {
  const dir = tempDir('tekup-writer-key-');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-subj', '/CN=alice', '-days', '1', '-out', join(dir, 'c.pem')]);
  const key = createPrivateKey(readFileSync(join(dir, 'k.pem')));
  const cert = new X509Certificate(readFileSync(join(dir, 'c.pem')));
  const job = (id: string, text = `signed ${id}`): WriteJob => ({
    text,
    sig: sign('sha256', Buffer.from(text), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64'),
    serial: cert.serialNumber.toLowerCase(),
    der: new Uint8Array(cert.raw),
    row: [id, 'alice', 'bob', '2026-11-25T08:00:00.000Z', JSON.stringify({ id })],
  });
  return { job };
}

function store() {
  const db = openDatabase(join(tempDir('tekup-writer-'), 'tekup.db'));
  const messages = new SqliteMessageStore(db); // creates the table
  const writer = new MessageWriter(db.location()!);
  const ids = () => (db.prepare('SELECT id FROM messages ORDER BY seq').all() as { id: string }[]).map((r) => r.id);
  return { db, messages, writer, ids, close: async () => (await writer.stop(), await messages.close(), db.close()) };
}

describe('the message writer', () => {
  const { job } = signer();

  it('stores what verifies, in order, and refuses bad signatures and replays, within one batch too', async () => {
    const s = store();
    try {
      const forged = { ...job('m3'), text: 'something else' }; // a signature over other bytes
      const results = await Promise.all([
        s.writer.write(job('m1')),
        s.writer.write(job('m2')),
        s.writer.write(forged),
        s.writer.write(job('m2')), // the same id twice in one batch
        s.writer.write({ ...job('m4'), sig: Buffer.alloc(300).toString('base64') }), // longer than the modulus
        s.writer.write(job('m5')),
      ]);
      const seqs = results.map((r) => ('seq' in r ? r.seq : r.refused));
      assert.equal(seqs[2], 'bad_signature');
      assert.equal(seqs[3], 'replay');
      assert.equal(seqs[4], 'bad_signature');
      const stored = [seqs[0], seqs[1], seqs[5]] as number[];
      assert.ok(stored.every((n) => typeof n === 'number'));
      assert.deepEqual([...stored].sort((a, b) => a - b), stored, 'seqs ascend in the order the jobs were sent');
      assert.deepEqual(s.ids(), ['m1', 'm2', 'm5'], 'visible to the server connection once answered');
      assert.deepEqual(await s.writer.write(job('m1')), { refused: 'replay' }, 'and a replay in a later batch');
    } finally {
      await s.close();
    }
  });

  it('acknowledges nothing of a batch it cannot commit, and goes on with the next', async () => {
    const s = store();
    try {
      const broken = job('b2');
      broken.row[1] = null as unknown as string; // from_login is NOT NULL
      const [good, bad] = await Promise.allSettled([s.writer.write(job('b1')), s.writer.write(broken)]);
      assert.equal(good.status, 'rejected', 'committed together or not at all');
      assert.equal(bad.status, 'rejected');
      assert.match(String((bad as PromiseRejectedResult).reason), /storing the message failed/);
      assert.deepEqual(s.ids(), []);
      assert.ok('seq' in (await s.writer.write(job('b3'))));
      assert.deepEqual(s.ids(), ['b3']);
    } finally {
      await s.close();
    }
  });

  it('answers everything sent before it stops, then refuses', async () => {
    const s = store();
    const pending = [s.writer.write(job('s1')), s.writer.write(job('s2'))];
    const stopped = s.writer.stop();
    assert.ok((await Promise.all(pending)).every((r) => 'seq' in r));
    await stopped;
    await assert.rejects(s.writer.write(job('s3')), /stopped/);
    assert.deepEqual(s.ids(), ['s1', 's2']);
    await s.close();
  });

  it('keeps the WAL small under a steady stream of messages, beside the checkpoint worker', async () => {
    const s = store();
    const checkpoints = startCheckpoints(s.db);
    try {
      // Envelopes of a real message's size, 32 in flight at all times: commits follow each other
      // without a pause, as under load, where the checkpoint worker never found the WAL idle.
      const filler = 'x'.repeat(2_000);
      let next = 0;
      const total = 3_000;
      const lane = async () => {
        while (next < total) {
          const id = `w${next++}`;
          const r = await s.writer.write({ ...job(id), row: [id, 'alice', 'bob', '2026-11-25T08:00:00.000Z', JSON.stringify({ id, filler })] });
          assert.ok('seq' in r, id);
        }
      };
      await Promise.all(Array.from({ length: 32 }, lane));
      const written = total * filler.length;
      const wal = statSync(`${s.db.location()}-wal`).size;
      // Without the writer's own checkpoints the WAL held every frame of the run (several times
      // what was written, with the index pages rewritten at each commit).
      assert.ok(wal < written / 3, `WAL of ${(wal / 1e6).toFixed(1)} MB after ${(written / 1e6).toFixed(1)} MB of messages`);
      assert.equal((s.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n, total);
    } finally {
      await checkpoints.stop();
      await s.close();
    }
  });

  it('refuses the jobs in flight when its thread dies, and starts a new one for the next', async () => {
    const s = store();
    try {
      await s.writer.write(job('d1'));
      const worker = (s.writer as unknown as { jobs: { running: import('node:worker_threads').Worker } }).jobs.running;
      const dying = worker.terminate(); // asked to stop before the job reaches it
      const inFlight = s.writer.write(job('d2'));
      await dying;
      await assert.rejects(inFlight, /message writer stopped/);
      assert.ok(!s.ids().includes('d2'));
      assert.ok('seq' in (await s.writer.write(job('d3'))));
      assert.ok(s.ids().includes('d3'));
    } finally {
      await s.close();
    }
  });
});
