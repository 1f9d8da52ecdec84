// The embedded directory on PostgreSQL (src/store/postgres/directory.ts): the Directory contract
// (test/helpers/directory-contract.ts, which stages into SQLite records whatever the directory; the
// SQLite directory runs it in test/directory-embedded.test.ts), and registration with the records
// in the directory's own storage (test/helpers/registration-contract.ts) on SQLite and PostgreSQL.
import { SqliteCertificateRecords } from '../src/store/sqlite/certificates.ts';
import { EmbeddedDirectory } from '../src/store/sqlite/directory.ts';
import { PostgresCertificateRecords } from '../src/store/postgres/certificates.ts';
import { PostgresDirectory } from '../src/store/postgres/directory.ts';
import { directoryContract } from './helpers/directory-contract.ts';
import { registrationContract } from './helpers/registration-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { postgresInstances, sqliteInstances } from './helpers/contract-fixtures.ts';
import type { Sql } from '../src/store/postgres/connect.ts';
import type { RowChanges } from '../src/store/postgres/row-changes.ts';

const pg = postgresDatabases();

directoryContract('PostgreSQL', async (records) => {
  const { db, records: r } = records();
  const { first, another } = await postgresInstances(pg, (sql, changes) => new PostgresDirectory(sql, changes), { follow: true });
  return { directory: first, records: r, db, another };
});

registrationContract('SQLite', async () => {
  const { first, another, settled, close } = sqliteInstances('tekup-registration-', (db) => ({ directory: new EmbeddedDirectory(db), records: new SqliteCertificateRecords(db) }));
  return { ...first, another, settled, close };
});

registrationContract('PostgreSQL', async () => {
  // Each instance's read caches follow the announcements, as a server's do.
  const instance = (pool: Sql, changes: RowChanges) => ({ directory: new PostgresDirectory(pool, changes), records: new PostgresCertificateRecords(pool, changes) });
  const { first, another, settled, close } = await postgresInstances(pg, instance, { follow: true });
  return { ...first, another, settled, close }; // the pools close after the file's tests
});
