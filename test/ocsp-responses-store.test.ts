// The pre-produced OCSP responses' store contract (test/helpers/prepared-ocsp-contract.ts) on the
// SQLite adapter, with the records in the same database and revocations written through a second
// connection, as the admin command line writes them while the server runs.
import { join } from 'node:path';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteCertificateRecords } from '../src/store/sqlite/certificates.ts';
import { SqlitePreparedOcsp } from '../src/store/sqlite/ocsp-responses.ts';
import { preparedOcspContract } from './helpers/prepared-ocsp-contract.ts';
import { tempDir } from './helpers/server.ts';

preparedOcspContract('SQLite', async () => {
  const file = join(tempDir('tekup-ocsp-store-'), 'tekup.db');
  const db = openDatabase(file);
  const records = new SqliteCertificateRecords(db);
  const store = new SqlitePreparedOcsp(db);
  const otherDb = openDatabase(file);
  const other = new SqliteCertificateRecords(otherDb);
  const stage = async (serial: string, notAfter = '2099-01-01T00:00:00.000Z') =>
    await records.stage({
      serial,
      login: 'alice',
      fingerprint: `fp-${serial}`,
      der: new Uint8Array([1, 2, 3]),
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter,
      issuedAt: '2026-01-01T00:00:00.000Z',
      state: 'pending',
      keyHash: `key-${serial}`,
    });
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
    async close() {
      otherDb.close();
      db.close();
    },
  };
});
