// SQLite adapter of the message store (src/chat/messages.ts). Admitting a message (signature check,
// insert, WAL sync) runs on a worker thread with its own connection (src/store/message-writer.ts),
// which resolves only once the row is on disk: then the envelope survives a crash or a power cut.
// Reads run here, on the server's connection, and see every admitted row.
//
// A group message (protocol §7) is a row like any other, to_login = "group:" + id, with the epoch
// it was sealed at (NULL on 1:1 messages). Who may see it comes from the group store's spans
// (src/store/sqlite/groups.ts): a member from the epoch they joined at, up to the one that removed
// them. A group's messages are a range of messages_to_group (to_login, seq, …), walked in seq order with a
// primary-key look-up of the reader's spans per row, so a page stops after `limit` visible rows.
import type { Admission, Admitted, AnyEnvelope, MessageStore, StoredMessage } from '../../chat/messages.ts';
import { isGroupAddress } from '../../protocol/envelope.ts';
import { groupIdOf } from '../../protocol/groups.ts';
import { migrate, prepared, transaction, type Db } from './sqlite.ts';
import { migrateGroups } from './groups.ts';
import { migrateAttachments } from './attachments.ts';
import { MessageWriter } from './message-writer.ts';
import { WriteBehindDeliveryMarks } from '../delivery-marks.ts';
import { storedMessage } from '../rows.ts';

const SCHEMA = [
  `CREATE TABLE messages (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     from_login TEXT NOT NULL,
     to_login TEXT NOT NULL,
     received_at TEXT NOT NULL,
     envelope TEXT NOT NULL
   );
   CREATE INDEX messages_pair ON messages (from_login, to_login, seq);
   CREATE INDEX messages_to ON messages (to_login, seq);
   CREATE TABLE deliveries (login TEXT PRIMARY KEY, seq INTEGER NOT NULL);`,
  // The group epoch a group message was sealed at; NULL on 1:1 messages.
  // And what a stream asks for: everything from or to someone after a seq (a busy sender's own
  // messages were otherwise walked from their first on every wake).
  // A group's messages with what its queries test (epoch, sender) in the index: the row holds the
  // envelope before the epoch, so testing the epoch on the row read every overflow page of it.
  `ALTER TABLE messages ADD COLUMN epoch INTEGER;
   CREATE INDEX messages_from ON messages (from_login, seq);
   CREATE INDEX messages_to_group ON messages (to_login, seq, epoch, from_login);`,
  // messages_to_group begins with messages_to's columns, so it serves every query that one did, and
  // each accepted message no longer writes a sixth index entry.
  `DROP INDEX messages_to;`,
];

/** Whether row `m` is a message reader ?1 may see in the group whose id is the parameter `group`. */
const VISIBLE = (group: string) => `EXISTS (SELECT 1 FROM group_spans s WHERE s.group_id = ${group} AND s.login = ?1
                  AND m.epoch >= s.from_epoch AND (s.to_epoch IS NULL OR m.epoch < s.to_epoch))`;

interface Row {
  seq: number;
  received_at: string;
  envelope: string;
}
const fromRow = (r: Row): StoredMessage => storedMessage(Number(r.seq), r.received_at, r.envelope);

// The seqs of a stream's next page, from the indexes alone: 1:1 messages to the user, those they
// sent (not to a group: a group message they sent comes with the group's), and each group's
// messages within each of the user's spans, each part stopping at the limit. The limit is written
// into the text: bound as a parameter, SQLite sorted without knowing the bound, and the statement
// took seven times as long (measured: 100-150 us against 15-20).
const forUserSql = (limit: number) =>
  `SELECT seq FROM (SELECT seq FROM messages WHERE to_login = ?1 AND seq > ?2 ORDER BY seq LIMIT ${limit})
   UNION ALL
   SELECT seq FROM (SELECT seq FROM messages WHERE from_login = ?1 AND seq > ?2 AND to_login NOT GLOB 'group:*' ORDER BY seq LIMIT ${limit})
   UNION ALL
   SELECT seq FROM (SELECT m.seq FROM group_spans s
                      JOIN messages m ON m.to_login = 'group:' || s.group_id AND m.seq > ?2
                                     AND m.epoch >= s.from_epoch AND (s.to_epoch IS NULL OR m.epoch < s.to_epoch)
                    WHERE s.login = ?1 ORDER BY m.seq LIMIT ${limit})
   ORDER BY seq LIMIT ${limit}`;

/**
 * The rows streams read lately, by seq. A message is read by the stream of every member it goes
 * to, at once: a group's hundred streams share one read of its row (and one string of its
 * envelope) instead of a hundred. Rows never change once written, so nothing here goes stale.
 */
/** About 32 MiB of envelopes: a few hundred of the largest group's messages, thousands of others. */
const RECENT_CHARS = 32 * 1024 * 1024;

class RecentRows {
  private readonly rows = new Map<number, Row>();
  private chars = 0;
  private readonly maxChars: number;
  constructor(maxChars: number) {
    this.maxChars = maxChars;
  }
  get(seq: number, read: (seq: number) => Row | undefined): Row | undefined {
    const hit = this.rows.get(seq);
    if (hit) return hit;
    const row = read(seq);
    if (!row) return undefined;
    this.rows.set(seq, row);
    this.chars += row.envelope.length;
    for (const [old, r] of this.rows) {
      if (this.chars <= this.maxChars) break;
      this.rows.delete(old);
      this.chars -= r.envelope.length;
    }
    return row;
  }
}

export class SqliteMessageStore implements MessageStore {
  private readonly db: Db;
  private readonly stmts;
  private readonly writer: MessageWriter;
  private readonly deliveries: WriteBehindDeliveryMarks;
  private readonly recent = new RecentRows(RECENT_CHARS);

  constructor(db: Db) {
    this.db = db;
    // The writer checks a group message's epoch in groups, and the reads join group_spans.
    migrateGroups(db);
    // And records a message's attachments, after checking their uploads, in attachments' tables.
    migrateAttachments(db);
    migrate(db, 'messages', SCHEMA);
    const file = db.location();
    if (!file) throw new Error('the message store needs a database file: its writer opens a connection of its own');
    this.writer = new MessageWriter(file);
    this.stmts = {
      after: db.prepare(
        `SELECT seq, received_at, envelope FROM messages
         WHERE ((from_login = ?1 AND to_login = ?2) OR (from_login = ?2 AND to_login = ?1)) AND seq > ?3
         ORDER BY seq LIMIT ?4`,
      ),
      before: db.prepare(
        `SELECT * FROM (SELECT seq, received_at, envelope FROM messages
           WHERE ((from_login = ?1 AND to_login = ?2) OR (from_login = ?2 AND to_login = ?1)) AND seq < ?3
           ORDER BY seq DESC LIMIT ?4) ORDER BY seq`,
      ),
      groupAfter: db.prepare(
        `SELECT seq, received_at, envelope FROM messages m WHERE to_login = ?2 AND seq > ?3 AND ${VISIBLE('?4')} ORDER BY seq LIMIT ?5`,
      ),
      groupBefore: db.prepare(
        `SELECT * FROM (SELECT seq, received_at, envelope FROM messages m WHERE to_login = ?2 AND seq < ?3 AND ${VISIBLE('?4')}
           ORDER BY seq DESC LIMIT ?5) ORDER BY seq`,
      ),
      delivered: db.prepare('SELECT seq FROM deliveries WHERE login = ?'),
      markDelivered: db.prepare(
        'INSERT INTO deliveries (login, seq) VALUES (?, ?) ON CONFLICT(login) DO UPDATE SET seq = max(seq, excluded.seq)',
      ),
    };
    this.deliveries = new WriteBehindDeliveryMarks((marks) =>
      transaction(this.db, () => {
        for (const [login, seq] of marks) this.stmts.markDelivered.run(login, seq);
      }),
    );
  }

  async admit(a: Admission): Promise<Admitted> {
    const e = a.envelope;
    const r = await this.writer.write({
      text: a.signedText,
      sig: e.sig,
      serial: a.signer.serial,
      der: a.signer.der,
      row: [e.id, e.from, e.to, a.receivedAt, JSON.stringify(e)],
      ...(a.group ? { group: a.group } : {}),
      ...(a.files?.length ? { files: a.files } : {}),
    });
    return 'seq' in r ? { stored: { seq: r.seq, receivedAt: a.receivedAt, envelope: e } } : r;
  }

  /** Answers the admissions under way, stops the writer and writes the pending delivery marks, as on PostgreSQL. */
  async close(): Promise<void> {
    await this.writer.stop();
    await this.deliveries.flush();
  }

  async conversation(a: string, b: string, page: { after?: number; before?: number; limit: number }): Promise<StoredMessage[]> {
    if (isGroupAddress(b)) {
      const rows =
        page.before !== undefined
          ? this.stmts.groupBefore.all(a, b, page.before, groupIdOf(b), page.limit)
          : this.stmts.groupAfter.all(a, b, page.after ?? 0, groupIdOf(b), page.limit);
      return (rows as unknown as Row[]).map(fromRow);
    }
    const rows =
      page.before !== undefined
        ? this.stmts.before.all(a, b, page.before, page.limit)
        : this.stmts.after.all(a, b, page.after ?? 0, page.limit);
    return (rows as unknown as Row[]).map(fromRow);
  }

  async forUser(login: string, after: number, limit: number): Promise<StoredMessage[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`forUser: limit ${limit} is not a positive integer`);
    const seqs = prepared(this.db, forUserSql(limit)).all(login, after) as unknown as { seq: number }[];
    const byRow = prepared(this.db, 'SELECT seq, received_at, envelope FROM messages WHERE seq = ?');
    const out: StoredMessage[] = [];
    for (const { seq } of seqs) {
      const row = this.recent.get(Number(seq), (n) => byRow.get(n) as unknown as Row | undefined);
      if (row) out.push(fromRow(row));
    }
    return out;
  }

  async deliveredUpTo(login: string): Promise<number> {
    const stored = Number((this.stmts.delivered.get(login) as { seq: number } | undefined)?.seq ?? 0);
    return Math.max(stored, this.deliveries.notStoredUpTo(login));
  }

  /** Written behind (src/store/delivery-marks.ts). */
  async markDelivered(login: string, seq: number): Promise<void> {
    this.deliveries.mark(login, seq);
  }
}
