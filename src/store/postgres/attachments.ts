// PostgreSQL adapter of the attachment records (src/chat/attachments.ts), behaving as the SQLite
// one (src/store/sqlite/attachments.ts). The message store writes message_files in the transaction
// of its message, after reading the uploads it lists FOR SHARE (src/store/postgres/messages.ts);
// forgetting an upload first locks its rows FOR UPDATE, so one of the two waits for the other and
// then sees what it did: the message refused for want of the upload, or the reference that keeps it.
import type { AttachmentRecords, AttachmentUpload } from '../../chat/attachments.ts';
import type { Sql } from './connect.ts';

/**
 * The class of the per-file advisory locks (two-key form, apart from the message lock's one-key
 * space): an upload's record and a sweep's forgetting of the same file take it, on any instance.
 */
const FILE_LOCK = 8_221_301;

export class PostgresAttachmentRecords implements AttachmentRecords {
  private readonly sql: Sql;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  async add(u: AttachmentUpload): Promise<{ created: boolean } | { deleting: true }> {
    return this.sql.begin(async (tx) => {
      // The file's lock, as forgetIfUnreferenced takes it: a sweep's mark is set wholly before or after.
      await tx`SELECT pg_advisory_xact_lock(${FILE_LOCK}, hashtext(${u.id}))`;
      if ((await tx`SELECT 1 FROM attachment_deletions WHERE id = ${u.id}`).length) return { deleting: true as const };
      const rows = await tx`
        INSERT INTO attachment_uploads (id, uploader, size, uploaded_at) VALUES (${u.id}, ${u.uploader}, ${u.size}, ${u.uploadedAt})
        ON CONFLICT DO NOTHING RETURNING id`;
      return { created: rows.length > 0 };
    });
  }

  async uploadedBy(id: string, login: string): Promise<boolean> {
    return (await this.sql`SELECT 1 FROM attachment_uploads WHERE id = ${id} AND uploader = ${login}`).length > 0;
  }

  async usage(login: string): Promise<number> {
    const [r] = await this.sql<{ n: string }[]>`SELECT coalesce(sum(size), 0)::bigint AS n FROM attachment_uploads WHERE uploader = ${login}`;
    return Number(r.n);
  }

  async readableBy(id: string, login: string): Promise<boolean> {
    const rows = await this.sql`
      SELECT 1 FROM message_files f JOIN messages m ON m.seq = f.seq
      WHERE f.file_id = ${id} AND (
        (m.epoch IS NULL AND (m.from_login = ${login} OR m.to_login = ${login}))
        OR EXISTS (SELECT 1 FROM group_spans s WHERE s.group_id = substr(m.to_login, 7) AND s.login = ${login}
                   AND m.epoch >= s.from_epoch AND (s.to_epoch IS NULL OR m.epoch < s.to_epoch)))
      LIMIT 1`;
    return rows.length > 0;
  }

  async unreferenced(before: string): Promise<string[]> {
    const rows = await this.sql<{ id: string }[]>`
      SELECT id FROM attachment_uploads u WHERE NOT EXISTS (SELECT 1 FROM message_files f WHERE f.file_id = u.id)
      GROUP BY id HAVING max(uploaded_at) < ${before} ORDER BY id`;
    return rows.map((r) => r.id);
  }

  async forgetIfUnreferenced(id: string, before: string): Promise<boolean> {
    return this.sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${FILE_LOCK}, hashtext(${id}))`;
      await tx`SELECT 1 FROM attachment_uploads WHERE id = ${id} FOR UPDATE`;
      // A statement of its own, after the lock: under READ COMMITTED it sees a message that
      // committed while this waited.
      const gone = await tx`
        DELETE FROM attachment_uploads WHERE id = ${id}
          AND NOT EXISTS (SELECT 1 FROM message_files WHERE file_id = ${id})
          AND NOT EXISTS (SELECT 1 FROM attachment_uploads WHERE id = ${id} AND uploaded_at >= ${before})
        RETURNING id`;
      if (gone.length === 0) return false;
      await tx`INSERT INTO attachment_deletions (id) VALUES (${id}) ON CONFLICT DO NOTHING`;
      return true;
    });
  }

  async deleted(id: string): Promise<void> {
    await this.sql`DELETE FROM attachment_deletions WHERE id = ${id}`;
  }

  async deleting(): Promise<string[]> {
    return (await this.sql<{ id: string }[]>`SELECT id FROM attachment_deletions ORDER BY id`).map((r) => r.id);
  }
}
