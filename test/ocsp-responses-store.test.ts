// The pre-produced OCSP responses' store contract (test/helpers/prepared-ocsp-contract.ts) on the
// SQLite adapter, with the records in the same database and revocations written through a second
// connection, as the admin command line writes them while the server runs; and the adapter's
// first opening on a database that already holds certificates.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteCertificateRecords } from '../src/store/sqlite/certificates.ts';
import { SqlitePreparedOcsp } from '../src/store/sqlite/ocsp-responses.ts';
import { preparedOcspContract } from './helpers/prepared-ocsp-contract.ts';
import { tempDir } from './helpers/server.ts';
import { sqliteInstances } from './helpers/contract-fixtures.ts';
import type { StagedRecord } from '../src/pki/records.ts';

function stagedRecord(serial: string): StagedRecord {
  return {
    serial,
    login: 'alice',
    fingerprint: `fp-${serial}`,
    der: new Uint8Array([1, 2, 3]),
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    issuedAt: '2026-01-01T00:00:00.000Z',
    state: 'pending',
    keyHash: `key-${serial}`,
  };
}

preparedOcspContract('SQLite', async () => {
  const { first: db, another, close } = sqliteInstances('tekup-ocsp-store-', (db) => db);
  const records = new SqliteCertificateRecords(db);
  const store = new SqlitePreparedOcsp(db);
  const other = new SqliteCertificateRecords(await another());
  const stage = async (serial: string, notAfter = '2099-01-01T00:00:00.000Z') => await records.stage({ ...stagedRecord(serial), notAfter });
  return {
    store,
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
    close,
  };
});

describe('pre-produced OCSP responses: SQLite, on a database from before them', () => {
  it('hands out the certificates issued before the store first opened, once', async () => {
    const db = openDatabase(join(tempDir('tekup-ocsp-store-'), 'tekup.db'));
    try {
      const records = new SqliteCertificateRecords(db);
      for (const serial of ['41', '42']) {
        await records.stage({ ...stagedRecord(serial), notAfter: '2099-01-01T00:00:00.000Z' });
        await records.confirm(serial);
      }
      await records.stage(stagedRecord('43')); // still pending
      const store = new SqlitePreparedOcsp(db);
      assert.deepEqual((await store.takeChanged(10)).sort(), ['41', '42']);
      assert.deepEqual(await new SqlitePreparedOcsp(db).takeChanged(10), [], 'queued once, not at every start');
    } finally {
      db.close();
    }
  });
});
