// The certificate records' contract (test/helpers/certificates-contract.ts) on SQLite and on
// PostgreSQL; "another instance" is a second connection to the same file or database.
import { join } from 'node:path';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteCertificateRecords } from '../src/store/sqlite/certificates.ts';
import { PostgresCertificateRecords } from '../src/store/postgres/certificates.ts';
import { certificateRecordsContract } from './helpers/certificates-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { tempDir } from './helpers/server.ts';

certificateRecordsContract('SQLite', async () => {
  const file = join(tempDir('tekup-records-'), 'tekup.db');
  const dbs = [openDatabase(file)];
  return {
    records: new SqliteCertificateRecords(dbs[0]),
    another: async () => new SqliteCertificateRecords(dbs[dbs.push(openDatabase(file)) - 1]),
    close: async () => dbs.forEach((db) => db.close()),
  };
});

const pg = postgresDatabases();
certificateRecordsContract('PostgreSQL', async () => {
  const { url, sql } = await pg.fresh();
  return {
    records: new PostgresCertificateRecords(sql),
    another: async () => new PostgresCertificateRecords(await pg.connect(url)),
    close: async () => {}, // the pools close after the file's tests
  };
});
