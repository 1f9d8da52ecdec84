// `admin migrate`: copies a single-node deployment (the data directory's SQLite file) into an empty
// PostgreSQL database, in one transaction, and checks every table's count before it commits. Both
// schemas keep the same columns and value formats (src/store/postgres/schema.ts), so the copy is
// column by column; what PostgreSQL numbers itself (sessions.n, activity.id) it numbers again, in
// SQLite's order. Message seqs are kept: they are SSE event ids clients resume from.
import { DatabaseSync } from 'node:sqlite';
import type { Sql } from './connect.ts';

/** In dependency order (ocsp_responses needs its certificates). */
const TABLES: ReadonlyArray<{ name: string; order: string }> = [
  { name: 'users', order: 'login' },
  { name: 'certificates', order: 'issued_at, serial' },
  { name: 'ca_state', order: 'name' },
  { name: 'sessions', order: 'created_at, rowid' },
  { name: 'recovery_codes', order: 'login' },
  // Copied although they live ten minutes: one approved just before the server stopped holds the
  // answer (the certificate already issued) its new device has yet to collect.
  { name: 'link_requests', order: 'created_at, rowid' },
  { name: 'activity', order: 'id' },
  // Before the messages: a group message is read through its group's membership spans.
  { name: 'groups', order: 'created_at, id' },
  { name: 'group_members', order: 'group_id, login' },
  { name: 'group_spans', order: 'group_id, login, from_epoch' },
  { name: 'group_history', order: 'group_id, epoch' },
  { name: 'messages', order: 'seq' },
  { name: 'attachment_uploads', order: 'id, uploader' },
  { name: 'attachment_deletions', order: 'id' },
  { name: 'message_files', order: 'file_id, seq' },
  { name: 'deliveries', order: 'login' },
  { name: 'read_marks', order: 'login, peer' },
  { name: 'receipts_off', order: 'login' },
  { name: 'last_seen', order: 'login' },
  { name: 'user_settings', order: 'login' },
  { name: 'ocsp_responses', order: 'serial, cert_id' },
];
const BATCH = 500;

export class MigrationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationRefused';
  }
}

export async function copySqliteIntoPostgres(sqliteFile: string, sql: Sql): Promise<Record<string, number>> {
  const lite = new DatabaseSync(sqliteFile, { readOnly: true });
  try {
    const present = new Set((lite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
    if (!present.has('certificates')) throw new MigrationRefused(`${sqliteFile} holds no TEKUP_chat data (no certificates table).`);
    return await sql.begin(async (tx) => {
      const copied: Record<string, number> = {};
      for (const { name } of TABLES) {
        const [{ n }] = await tx.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${name}`);
        if (n > 0) throw new MigrationRefused(`The database is not empty (${name} holds ${n} rows): migrate copies into an empty database only, once.`);
      }
      for (const { name, order } of TABLES) {
        if (!present.has(name)) continue;
        const target = await tx<{ column_name: string; data_type: string; is_identity: string; identity_generation: string | null }[]>`
          SELECT column_name, data_type, is_identity, identity_generation FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = ${name}`;
        const mine = new Set((lite.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[]).map((c) => c.name));
        // Identity columns PostgreSQL always generates are numbered again, in SQLite's order.
        const columns = target.filter((c) => mine.has(c.column_name) && c.identity_generation !== 'ALWAYS');
        const booleans = new Set(columns.filter((c) => c.data_type === 'boolean').map((c) => c.column_name));
        const list = columns.map((c) => c.column_name);
        const rows = lite.prepare(`SELECT ${list.join(', ')} FROM ${name} ORDER BY ${order}`).all() as Record<string, unknown>[];
        for (const row of rows) for (const b of booleans) row[b] = Boolean(row[b]);
        // postgres.js's typed helper wants literal column names; these come from the two schemas.
        const values = tx as unknown as (rows: unknown[], columns: string[]) => never;
        for (let i = 0; i < rows.length; i += BATCH) await tx`INSERT INTO ${tx(name)} ${values(rows.slice(i, i + BATCH), list)}`;
        const [{ n }] = await tx.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${name}`);
        if (n !== rows.length) throw new Error(`${name}: ${rows.length} rows read, ${n} in the database; nothing was copied.`);
        copied[name] = n;
      }
      // New messages continue after the copied ones.
      await tx.unsafe(`SELECT setval(pg_get_serial_sequence('messages', 'seq'), GREATEST((SELECT max(seq) FROM messages), 1), (SELECT count(*) > 0 FROM messages))`);
      return copied;
    });
  } finally {
    lite.close();
  }
}
