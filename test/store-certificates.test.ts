// The certificate records' contract (test/helpers/certificates-contract.ts) on SQLite and on
// PostgreSQL; "another instance" is a second connection to the same file or database.
import { SqliteCertificateRecords } from '../src/store/sqlite/certificates.ts';
import { PostgresCertificateRecords } from '../src/store/postgres/certificates.ts';
import { certificateRecordsContract } from './helpers/certificates-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances, sqliteInstances } from './helpers/contract-fixtures.ts';

certificateRecordsContract('SQLite', async () => {
  const { first, another, settled, close } = sqliteInstances('tekup-records-', (db) => new SqliteCertificateRecords(db));
  return { records: first, another, settled, close };
});

const pg = postgresDatabases();
certificateRecordsContract('PostgreSQL', async () => {
  // Each instance's read cache follows the announcements, as a server's does.
  const { first, another, settled, close } = await postgresInstances(pg, (sql, changes) => new PostgresCertificateRecords(sql, changes), { follow: true });
  return { records: first, another, settled, close }; // the pools close after the file's tests
});
