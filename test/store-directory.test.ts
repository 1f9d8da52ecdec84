// The embedded directory on PostgreSQL (src/store/postgres/directory.ts): the Directory contract
// (test/helpers/directory-contract.ts, which stages into SQLite records whatever the directory; the
// SQLite directory runs it in test/directory-embedded.test.ts), and registration with the records
// in the directory's own storage (test/helpers/registration-contract.ts) on SQLite and PostgreSQL.
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteCertificateRecords } from '../src/store/sqlite/certificates.ts';
import { EmbeddedDirectory } from '../src/store/sqlite/directory.ts';
import { PostgresCertificateRecords } from '../src/store/postgres/certificates.ts';
import { PostgresDirectory } from '../src/store/postgres/directory.ts';
import { directoryContract } from './helpers/directory-contract.ts';
import { registrationContract } from './helpers/registration-contract.ts';
import { postgresDatabases } from './helpers/postgres-databases.ts';
import type { Sql } from '../src/store/postgres/connect.ts';
import type { RowChanges } from '../src/store/postgres/row-changes.ts';
import { tempDir } from './helpers/server.ts';

const pg = postgresDatabases();

directoryContract('PostgreSQL', async (records) => {
  const { db, records: r } = records();
  const { url, sql } = await pg.fresh();
  const here = await pg.follow(url);
  return {
    directory: new PostgresDirectory(sql, here.changes),
    records: r,
    db,
    another: async () => new PostgresDirectory(await pg.connect(url), (await pg.follow(url)).changes),
  };
});

registrationContract('SQLite', async () => {
  const file = join(tempDir('tekup-registration-'), 'tekup.db');
  const dbs = [openDatabase(file)];
  const instance = (db = dbs[0]) => ({ directory: new EmbeddedDirectory(db), records: new SqliteCertificateRecords(db) });
  return {
    ...instance(),
    another: async () => instance(dbs[dbs.push(openDatabase(file)) - 1]),
    settled: () => nextTurn(),
    close: async () => dbs.forEach((db) => db.close()),
  };
});

registrationContract('PostgreSQL', async () => {
  const { url, sql } = await pg.fresh();
  // Each instance's read caches follow the announcements, as a server's do.
  const followers = [await pg.follow(url)];
  const instance = (pool: Sql, changes: RowChanges) => ({ directory: new PostgresDirectory(pool, changes), records: new PostgresCertificateRecords(pool, changes) });
  return {
    ...instance(sql, followers[0].changes),
    another: async () => {
      const there = await pg.follow(url);
      followers.push(there);
      return instance(await pg.connect(url), there.changes);
    },
    settled: async () => void (await Promise.all(followers.map((f) => f.settled()))),
    close: async () => {}, // the pools close after the file's tests
  };
});
