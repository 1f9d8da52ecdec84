// SQLite adapter of the attachment records (src/chat/attachments.ts). Uploads are keyed by (file,
// uploader): the quota counts each of one's files once, and the relay asks about the sender alone.
// message_files rows are written by the message writer in the transaction of their message
// (src/store/sqlite/message-writer.ts), which also checks there that the uploads are still kept:
// a sweep forgetting one commits either before that transaction (the message is refused) or after
// it (and then sees the reference and keeps the file), never in between.
import type { AttachmentRecords, AttachmentUpload } from '../../chat/attachments.ts';
import { durable, migrate, prepared, transaction, type Db } from './sqlite.ts';

const SCHEMA = [
  `CREATE TABLE attachment_uploads (
     id TEXT NOT NULL,
     uploader TEXT NOT NULL,
     size INTEGER NOT NULL,
     uploaded_at TEXT NOT NULL,
     PRIMARY KEY (id, uploader)
   );
   CREATE INDEX attachment_uploads_uploader ON attachment_uploads (uploader);
   CREATE INDEX attachment_uploads_time ON attachment_uploads (uploaded_at);
   CREATE TABLE message_files (
     file_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     PRIMARY KEY (file_id, seq)
   );`,
  // Files a sweep is deleting: no upload is noted for them until their body is gone.
  `CREATE TABLE attachment_deletions (id TEXT PRIMARY KEY);`,
];

/** The message writer's connection records references in these tables: they exist before it starts. */
export function migrateAttachments(db: Db): void {
  migrate(db, 'attachments', SCHEMA);
}

/**
 * A message that lists the file, visible to ?2: a 1:1 message sent or received, or a group message
 * sealed at an epoch ?2 was a member at (the message store's spans, by their primary key).
 */
export const READABLE_SQL = `SELECT 1 FROM message_files f JOIN messages m ON m.seq = f.seq
  WHERE f.file_id = ?1 AND (
    (m.epoch IS NULL AND (m.from_login = ?2 OR m.to_login = ?2))
    OR EXISTS (SELECT 1 FROM group_spans s WHERE s.group_id = substr(m.to_login, 7) AND s.login = ?2
               AND m.epoch >= s.from_epoch AND (s.to_epoch IS NULL OR m.epoch < s.to_epoch)))
  LIMIT 1`;

export class SqliteAttachmentRecords implements AttachmentRecords {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
    migrateAttachments(db);
  }

  async add(u: AttachmentUpload): Promise<{ created: boolean } | { deleting: true }> {
    // One statement: the sweep's mark is set in a write of its own, wholly before or after.
    const row = prepared(
      this.db,
      `INSERT INTO attachment_uploads (id, uploader, size, uploaded_at) SELECT ?1, ?2, ?3, ?4
       WHERE NOT EXISTS (SELECT 1 FROM attachment_deletions WHERE id = ?1) ON CONFLICT DO NOTHING RETURNING id`,
    ).get(u.id, u.uploader, u.size, u.uploadedAt);
    if (!row && prepared(this.db, 'SELECT 1 FROM attachment_deletions WHERE id = ?').get(u.id)) return { deleting: true };
    await durable(this.db);
    return { created: row !== undefined };
  }

  async uploadedBy(id: string, login: string): Promise<boolean> {
    return prepared(this.db, 'SELECT 1 FROM attachment_uploads WHERE id = ? AND uploader = ?').get(id, login) !== undefined;
  }

  async usage(login: string): Promise<number> {
    return Number((prepared(this.db, 'SELECT coalesce(sum(size), 0) AS n FROM attachment_uploads WHERE uploader = ?').get(login) as { n: number }).n);
  }

  async readableBy(id: string, login: string): Promise<boolean> {
    return prepared(this.db, READABLE_SQL).get(id, login) !== undefined;
  }

  async unreferenced(before: string): Promise<string[]> {
    const rows = prepared(
      this.db,
      `SELECT id FROM attachment_uploads u WHERE NOT EXISTS (SELECT 1 FROM message_files f WHERE f.file_id = u.id)
       GROUP BY id HAVING max(uploaded_at) < ? ORDER BY id`,
    ).all(before) as { id: string }[];
    return rows.map((r) => r.id);
  }

  async forgetIfUnreferenced(id: string, before: string): Promise<boolean> {
    // One write transaction: the message writer's check of the uploads, and add(), come wholly
    // before or after it.
    const forgot = transaction(this.db, () => {
      const { changes } = prepared(
        this.db,
        `DELETE FROM attachment_uploads WHERE id = ?1
           AND NOT EXISTS (SELECT 1 FROM message_files WHERE file_id = ?1)
           AND NOT EXISTS (SELECT 1 FROM attachment_uploads WHERE id = ?1 AND uploaded_at >= ?2)`,
      ).run(id, before);
      if (Number(changes) === 0) return false;
      prepared(this.db, 'INSERT INTO attachment_deletions (id) VALUES (?) ON CONFLICT DO NOTHING').run(id);
      return true;
    });
    await durable(this.db);
    return forgot;
  }

  async deleted(id: string): Promise<void> {
    prepared(this.db, 'DELETE FROM attachment_deletions WHERE id = ?').run(id);
    await durable(this.db);
  }

  async deleting(): Promise<string[]> {
    return (prepared(this.db, 'SELECT id FROM attachment_deletions ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  }
}
