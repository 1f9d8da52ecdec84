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
import { PostgresActivity } from './activity.ts';
import { PostgresLastSeen } from './last-seen.ts';
import { PostgresMessageStore } from './messages.ts';
import { PostgresReadMarks } from './read-marks.ts';

export interface PostgresStorage extends Storage {
  readonly kind: 'postgres';
  sql: Sql;
}

/** Throws DatabaseStartError when the database cannot be reached or migrated. */
export async function openPostgresStorage(url: string): Promise<PostgresStorage> {
  const sql = await openPostgres(url);
  const messages = new PostgresMessageStore(sql);
  return {
    kind: 'postgres',
    sql,
    records: new PostgresCertificateRecords(sql),
    caState: new PostgresCaState(sql),
    preparedOcsp: new PostgresPreparedOcsp(sql),
    directory: new PostgresDirectory(sql),
    sessions: new PostgresSessionStore(sql),
    recoveryCodes: new PostgresRecoveryCodes(sql),
    activity: new PostgresActivity(sql),
    lastSeen: new PostgresLastSeen(sql),
    messages,
    readMarks: new PostgresReadMarks(sql),
    isUnavailable: isConnectionError,
    // Each statement commits with synchronous_commit on (PostgreSQL's default): nothing is pending.
    durable: async () => {},
    async close() {
      await messages.close?.();
      await sql.end({ timeout: 5 });
    },
  };
}
