// The embedded directory on PostgreSQL (src/store/postgres/directory.ts): the Directory contract
// (test/helpers/directory-contract.ts, which stages into SQLite records whatever the directory; the
// SQLite directory runs it in test/directory-embedded.test.ts), and registration with the records
// in the directory's own storage (test/helpers/registration-contract.ts) on SQLite and PostgreSQL.
import { join } from 'node:path';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteCertificateRecords } from '../src/store/sqlite/certificates.ts';
import { EmbeddedDirectory } from '../src/store/sqlite/directory.ts';
import { PostgresCertificateRecords } from '../src/store/postgres/certificates.ts';
import { PostgresDirectory } from '../src/store/postgres/directory.ts';
import { directoryContract } from './helpers/directory-contract.ts';
import { registrationContract } from './helpers/registration-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import { tempDir } from './helpers/server.ts';

const pg = postgresDatabases();

directoryContract('PostgreSQL', async (records) => {
  const { db, records: r } = records();
  const { url, sql } = await pg.fresh();
  return { directory: new PostgresDirectory(sql), records: r, db, another: async () => new PostgresDirectory(await pg.connect(url)) };
});

registrationContract('SQLite', async () => {
  const file = join(tempDir('tekup-registration-'), 'tekup.db');
  const dbs = [openDatabase(file)];
  const instance = (db = dbs[0]) => ({ directory: new EmbeddedDirectory(db), records: new SqliteCertificateRecords(db) });
  return {
    ...instance(),
    another: async () => instance(dbs[dbs.push(openDatabase(file)) - 1]),
    close: async () => dbs.forEach((db) => db.close()),
  };
});

registrationContract('PostgreSQL', async () => {
  const { url, sql } = await pg.fresh();
  const instance = (pool = sql) => ({ directory: new PostgresDirectory(pool), records: new PostgresCertificateRecords(pool) });
  return {
    ...instance(),
    another: async () => instance(await pg.connect(url)),
    close: async () => {}, // the pools close after the file's tests
  };
});
