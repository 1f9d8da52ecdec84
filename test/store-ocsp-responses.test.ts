// The pre-produced OCSP responses' store contract (test/helpers/prepared-ocsp-contract.ts) on
// PostgreSQL (SQLite runs it in test/ocsp-responses-store.test.ts), with the records in the same
// database and revocations written by another instance's pool; the queue's first migration on a
// database that already holds certificates; and two instances' refreshers taking changes at once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { migrate } from '../src/store/postgres/migrate.ts';
import { MIGRATIONS } from '../src/store/postgres/schema.ts';
import { PostgresCertificateRecords } from '../src/store/postgres/certificates.ts';
import { PostgresPreparedOcsp } from '../src/store/postgres/ocsp-responses.ts';
import { preparedOcspContract } from './helpers/prepared-ocsp-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances } from './helpers/contract-fixtures.ts';
import { stagedRecord } from './helpers/records.ts';

const pg = postgresDatabases();

preparedOcspContract('PostgreSQL', async () => {
  const { first: sql, another } = await postgresInstances(pg, (sql) => sql);
  const records = new PostgresCertificateRecords(sql);
  const other = new PostgresCertificateRecords(await another());
  const stage = (serial: string, notAfter = '2099-01-01T00:00:00.000Z') => records.stage(stagedRecord(serial, { notAfter }));
  return {
    store: new PostgresPreparedOcsp(sql),
    async issue(serial, notAfter) {
      await stage(serial, notAfter);
      await records.confirm(serial);
    },
    async stage(serial) {
      await stage(serial);
    },
    async revokeElsewhere(serial, reason, at) {
      if (!(await other.revoke(serial, reason, at))) throw new Error(`${serial} not revoked`);
    },
    close: async () => {}, // the pools close after the file's tests
  };
});

describe('pre-produced OCSP responses: PostgreSQL, beyond the contract', () => {
  it('hands out the certificates issued before the change queue was migrated in, once', async () => {
    const queue = MIGRATIONS.find((m) => /OCSP responses are to be produced/.test(m.name));
    assert.ok(queue, 'the migration that makes the queue');
    const { sql } = await pg.bare();
    await migrate(sql, MIGRATIONS.filter((m) => m.version < queue.version));
    // Rows as that schema held them: the adapter of today writes columns later migrations add.
    for (const [serial, state] of [['41', 'issued'], ['42', 'issued'], ['43', 'pending']]) {
      const r = stagedRecord(serial, { notAfter: '2099-01-01T00:00:00.000Z' });
      await sql`INSERT INTO certificates (serial, login, fingerprint, der, not_before, not_after, issued_at, state, key_hash)
                VALUES (${r.serial}, ${r.login}, ${r.fingerprint}, ${r.der}, ${r.notBefore}, ${r.notAfter}, ${r.issuedAt}, ${state}, ${r.keyHash})`;
    }
    assert.ok((await migrate(sql)).includes(queue.version));
    const store = new PostgresPreparedOcsp(sql);
    assert.deepEqual((await store.takeChanged(10)).sort(), ['41', '42']);
    assert.deepEqual(await migrate(sql), []);
    assert.deepEqual(await new PostgresPreparedOcsp(sql).takeChanged(10), [], 'queued once, not at every start');
  });

  it('gives each change to one of two instances taking at once, none lost', async () => {
    const { url, sql } = await pg.fresh();
    const records = new PostgresCertificateRecords(sql);
    const serials = Array.from({ length: 60 }, (_, i) => `a${String(i).padStart(2, '0')}`);
    for (const serial of serials) {
      await records.stage(stagedRecord(serial));
      await records.confirm(serial);
    }
    const stores = [new PostgresPreparedOcsp(sql), new PostgresPreparedOcsp(await pg.connect(url))];
    const taken: string[][] = [[], []];
    const drain = async (i: number) => {
      for (let batch = await stores[i].takeChanged(7); batch.length; batch = await stores[i].takeChanged(7)) taken[i].push(...batch);
    };
    await Promise.all([drain(0), drain(1)]);
    const all = [...taken[0], ...taken[1]];
    assert.equal(new Set(all).size, all.length, 'no serial handed out twice');
    assert.deepEqual(all.sort(), serials);
  });

  it('hands out in the order of the changes, and a serial queued twice once', async () => {
    const { sql } = await pg.fresh();
    const records = new PostgresCertificateRecords(sql);
    const store = new PostgresPreparedOcsp(sql);
    for (const serial of ['c3', 'a1', 'b2']) {
      await records.stage(stagedRecord(serial));
      await records.confirm(serial);
    }
    assert.ok(await records.revoke('a1', 'keyCompromise', '2026-06-01T00:00:00.000Z'), 'already queued: keeps its place');
    await store.markChanged(['b2', 'a1', 'b2']);
    assert.deepEqual(await store.takeChanged(2), ['c3', 'a1']);
    assert.deepEqual(await store.takeChanged(10), ['b2']);
    await store.markChanged(['b2', 'c3']);
    assert.deepEqual(await store.takeChanged(10), ['b2', 'c3']);
    await store.markChanged([]);
    assert.deepEqual(await store.takeChanged(10), []);
  });

  it('keeps the last of two responses for one form given in the same put', async () => {
    const { sql } = await pg.fresh();
    const records = new PostgresCertificateRecords(sql);
    const store = new PostgresPreparedOcsp(sql);
    await records.stage(stagedRecord('d1'));
    await records.confirm('d1');
    const at = (h: number) => new Date(Date.UTC(2026, 5, 1, h));
    const form = { serial: 'd1', certId: new Uint8Array([0x30, 1]), nextUpdate: at(20) };
    await store.put([{ ...form, thisUpdate: at(1), der: new Uint8Array([1]) }, { ...form, thisUpdate: at(2), der: new Uint8Array([2]) }]);
    assert.deepEqual((await store.forSerial('d1')).map((r) => [r.thisUpdate, r.der]), [[at(2), new Uint8Array([2])]]);
    await store.put([]);
  });
});
