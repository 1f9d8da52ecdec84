// The certificate records' contract (test/helpers/certificates-contract.ts) on SQLite and on
// PostgreSQL; "another instance" is a second connection to the same file or database.
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
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
    settled: () => nextTurn(),
    another: async () => new SqliteCertificateRecords(dbs[dbs.push(openDatabase(file)) - 1]),
    close: async () => dbs.forEach((db) => db.close()),
  };
});

const pg = postgresDatabases();
certificateRecordsContract('PostgreSQL', async () => {
  const { url, sql } = await pg.fresh();
  // Each instance's read cache follows the announcements, as a server's does.
  const here = await pg.follow(url);
  const followers = [here];
  return {
    records: new PostgresCertificateRecords(sql, here.changes),
    another: async () => {
      const there = await pg.follow(url);
      followers.push(there);
      return new PostgresCertificateRecords(await pg.connect(url), there.changes);
    },
    settled: async () => void (await Promise.all(followers.map((f) => f.settled()))),
    close: async () => {}, // the pools close after the file's tests
  };
});
