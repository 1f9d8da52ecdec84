// The zero-set-up storage: one SQLite file (WAL) in the data directory holds every port.
import { join } from 'node:path';
import type { Storage } from '../storage.ts';
import { durable, openDatabase, type Db } from './sqlite.ts';
import { startCheckpoints } from './checkpoints.ts';
import { SqliteCertificateRecords } from './certificates.ts';
import { SqliteCaState } from './ca-state.ts';
import { SqlitePreparedOcsp } from './ocsp-responses.ts';
import { EmbeddedDirectory } from './directory.ts';
import { SqliteSessionStore } from './sessions.ts';
import { SqliteRecoveryCodes } from './recovery-codes.ts';
import { SqliteLinkRequests } from './link-requests.ts';
import { SqliteActivity } from './activity.ts';
import { SqliteLastSeen } from './last-seen.ts';
import { SqliteMessageStore } from './messages.ts';
import { SqliteReadMarks } from './read-marks.ts';
import { SqliteGroupStore } from './groups.ts';
import { SqliteAttachmentRecords } from './attachments.ts';
import { SqliteSettings } from './settings.ts';

export interface SqliteStorage extends Storage {
  readonly kind: 'sqlite';
  /** The connection itself, for the tests that look inside. */
  db: Db;
}

/**
 * `server`: only the server checkpoints the WAL in the background; the admin command line opens
 * the same file while the server runs.
 */
export function openSqliteStorage(dataDir: string, o: { server: boolean; onCheckpointError: (detail: string) => void }): SqliteStorage {
  const db = openDatabase(join(dataDir, 'tekup.db'));
  const checkpoints = o.server ? startCheckpoints(db, o.onCheckpointError) : undefined;
  const records = new SqliteCertificateRecords(db);
  // Before the message store: its writer's connection checks a group message's epoch in groups.
  const groups = new SqliteGroupStore(db);
  const messages = new SqliteMessageStore(db);
  return {
    kind: 'sqlite',
    db,
    records,
    caState: new SqliteCaState(db),
    preparedOcsp: new SqlitePreparedOcsp(db),
    directory: new EmbeddedDirectory(db),
    sessions: new SqliteSessionStore(db),
    recoveryCodes: new SqliteRecoveryCodes(db),
    linkRequests: new SqliteLinkRequests(db),
    activity: new SqliteActivity(db),
    lastSeen: new SqliteLastSeen(db),
    messages,
    // After the message store: the read marks count messages through its table and indexes.
    readMarks: new SqliteReadMarks(db),
    groups,
    // After the message store: who may read a file is decided by the messages listing it.
    attachments: new SqliteAttachmentRecords(db),
    settings: new SqliteSettings(db),
    // A local file is never "unreachable": its errors are real failures.
    isUnavailable: () => false,
    durable: () => durable(db),
    async close() {
      await messages.close();
      await checkpoints?.stop();
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
