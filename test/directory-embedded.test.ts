// The embedded (SQLite) directory against the Directory contract.
import { join } from 'node:path';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteCertificateRecords } from '../src/store/sqlite/certificates.ts';
import { EmbeddedDirectory } from '../src/store/sqlite/directory.ts';
import { directoryContract } from './helpers/directory-contract.ts';
import { tempDir } from './helpers/server.ts';

directoryContract('embedded', async () => {
  // Users and certificate records share one database: that is what makes a registration one transaction.
  const db = openDatabase(join(tempDir('tekup-embedded-'), 'tekup.db'));
  const records = new SqliteCertificateRecords(db);
  return { directory: new EmbeddedDirectory(db), records, db, another: async () => new EmbeddedDirectory(db) };
});
