// All server state in PostgreSQL (protocol §9 `--database-url`): one pool per instance, shared by
// every adapter; several instances may run against the same database.
import type { Storage } from '../storage.ts';
import { isConnectionError, openPostgres, type Sql } from './connect.ts';
import { PostgresCertificateRecords } from './certificates.ts';
import { PostgresCaState } from './ca-state.ts';
import { PostgresPreparedOcsp } from './ocsp-responses.ts';
import { PostgresDirectory } from './directory.ts';
import { PostgresSessionStore } from './sessions.ts';
import { PostgresRecoveryCodes } from './recovery-codes.ts';
import { PostgresLinkRequests } from './link-requests.ts';
import { PostgresActivity } from './activity.ts';
import { PostgresLastSeen } from './last-seen.ts';
import { PostgresMessageStore } from './messages.ts';
import { PostgresReadMarks } from './read-marks.ts';
import { PostgresGroupStore } from './groups.ts';
import { PostgresAttachmentRecords } from './attachments.ts';
import { PostgresSettings } from './settings.ts';
import { followRowChanges, type RowChanges } from './row-changes.ts';

export interface PostgresStorage extends Storage {
  readonly kind: 'postgres';
  sql: Sql;
  /** PostgreSQL's announcements of changed rows, which the read caches follow. */
  changes: RowChanges;
}

/** Throws DatabaseStartError when the database cannot be reached or migrated. */
export async function openPostgresStorage(url: string): Promise<PostgresStorage> {
  const sql = await openPostgres(url);
  const changes = await followRowChanges(url);
  const messages = new PostgresMessageStore(sql);
  return {
    kind: 'postgres',
    sql,
    changes,
    records: new PostgresCertificateRecords(sql, changes),
    caState: new PostgresCaState(sql),
    preparedOcsp: new PostgresPreparedOcsp(sql),
    directory: new PostgresDirectory(sql, changes),
    sessions: new PostgresSessionStore(sql, changes),
    recoveryCodes: new PostgresRecoveryCodes(sql),
    linkRequests: new PostgresLinkRequests(sql),
    activity: new PostgresActivity(sql),
    lastSeen: new PostgresLastSeen(sql),
    messages,
    readMarks: new PostgresReadMarks(sql),
    groups: new PostgresGroupStore(sql),
    attachments: new PostgresAttachmentRecords(sql),
    settings: new PostgresSettings(sql),
    isUnavailable: isConnectionError,
    onSessionsEnded: (fn) =>
      changes.onChange((c) => {
        if (c.table === 'sessions' && c.op === 'DELETE') fn();
      }),
    // Each statement commits with synchronous_commit on (PostgreSQL's default): nothing is pending.
    durable: async () => {},
    async close() {
      await messages.close?.();
      await changes.close();
      await sql.end({ timeout: 5 });
    },
  };
}
