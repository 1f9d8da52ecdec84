// SQLite adapter of the read marks (src/chat/read-marks.ts). Marks live in their own table; the
// counts come from the messages table (src/store/messages.ts, created first) through indexes only:
// messages_pair (from_login, to_login, seq) answers "newest message from A to B" and "how many from
// A to B above a seq" as index seeks and range counts, and the people someone exchanged messages
// with are found by skipping from one distinct login to the next (a loose index scan) along
// messages_pair for those they wrote to and along messages_senders (to_login, from_login), which
// this adapter adds, for those who wrote to them. So a request costs a few index seeks per person
// in the user's own conversations, however many messages or users there are.
//
// A group (protocol §7) is a conversation of every member now (group_members), its peer the
// group's address. Its messages are a range of messages_to (to_login = the address, seq), counted
// and searched only where the reader's spans (group_spans, src/store/sqlite/groups.ts) allow: a
// member sees the epochs they were a member at, never what was sealed while they were out.
import type { ConversationSummary, ReadMarkStore } from '../../chat/read-marks.ts';
import { isGroupAddress } from '../../protocol/envelope.ts';
import { groupIdOf } from '../../protocol/groups.ts';
import { durable, migrate, prepared, type Db } from './sqlite.ts';
import { migrateGroups } from './groups.ts';

const SCHEMA = [
  `CREATE TABLE read_marks (
     login TEXT NOT NULL,
     peer TEXT NOT NULL,
     seq INTEGER NOT NULL,
     PRIMARY KEY (login, peer)
   ) WITHOUT ROWID;`,
  // Without it, finding who wrote to someone stepped through every sender in the system.
  `CREATE INDEX messages_senders ON messages (to_login, from_login);`,
  // Who turned read receipts off (everyone else has them on).
  `CREATE TABLE receipts_off (login TEXT PRIMARY KEY) WITHOUT ROWID;`,
];

// Peers of ?1: those who wrote to ?1 (skip along ?1's senders in messages_senders) and those ?1
// wrote to (skip along ?1's recipients in messages_pair).
const PEERS = `
  WITH RECURSIVE
    senders(s) AS (
      SELECT (SELECT min(from_login) FROM messages WHERE to_login = ?1)
      UNION ALL
      SELECT (SELECT min(from_login) FROM messages WHERE to_login = ?1 AND from_login > s) FROM senders WHERE s IS NOT NULL
    ),
    recipients(r) AS (
      SELECT (SELECT min(to_login) FROM messages WHERE from_login = ?1)
      UNION ALL
      SELECT (SELECT min(to_login) FROM messages WHERE from_login = ?1 AND to_login > r) FROM recipients WHERE r IS NOT NULL
    ),
    peers(p) AS (
      SELECT s FROM senders WHERE s IS NOT NULL AND s <> ?1
      UNION
      SELECT r FROM recipients WHERE r IS NOT NULL AND r <> ?1 AND substr(r, 1, 6) <> 'group:'
    )
  SELECT p AS peer FROM peers`;

const SUMMARY = `
  SELECT m.mark,
         (SELECT count(*) FROM messages WHERE from_login = ?2 AND to_login = ?1 AND seq > m.mark) AS unread,
         max(coalesce((SELECT max(seq) FROM messages WHERE from_login = ?2 AND to_login = ?1), 0),
             coalesce((SELECT max(seq) FROM messages WHERE from_login = ?1 AND to_login = ?2), 0)) AS last_seq
  FROM (SELECT coalesce((SELECT seq FROM read_marks WHERE login = ?1 AND peer = ?2), 0) AS mark) AS m`;

/** Whether row `m` is a message of group ?3 (its id) that reader ?1 may see. */
const VISIBLE = `EXISTS (SELECT 1 FROM group_spans s WHERE s.group_id = ?3 AND s.login = ?1
                   AND m.epoch >= s.from_epoch AND (s.to_epoch IS NULL OR m.epoch < s.to_epoch))`;

// ?1 the reader, ?2 the group's address, ?3 its id. No `seen` in a group: groupMarks says who read how far.
const GROUP_SUMMARY = `
  SELECT (SELECT count(*) FROM messages m
          WHERE to_login = ?2 AND seq > coalesce((SELECT seq FROM read_marks WHERE login = ?1 AND peer = ?2), 0)
            AND from_login <> ?1 AND ${VISIBLE}) AS unread,
         (SELECT seq FROM messages m WHERE to_login = ?2 AND ${VISIBLE} ORDER BY seq DESC LIMIT 1) AS last_seq`;

export class SqliteReadMarks implements ReadMarkStore {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
    migrateGroups(db); // the group summaries join group_members and group_spans
    migrate(db, 'read_marks', SCHEMA);
  }

  async mark(login: string, peer: string, upTo: number): Promise<boolean> {
    const moved = prepared(
      this.db,
      `INSERT INTO read_marks (login, peer, seq) VALUES (?, ?, ?)
       ON CONFLICT (login, peer) DO UPDATE SET seq = excluded.seq WHERE excluded.seq > read_marks.seq`,
    ).run(login, peer, upTo).changes;
    // Also when the mark did not move: a concurrent request may have raised it without its sync
    // done yet, and this answer must not promise a mark that a power cut could still lose.
    await durable(this.db);
    return Number(moved) > 0;
  }

  async conversations(login: string): Promise<ConversationSummary[]> {
    const peers = prepared(this.db, PEERS).all(login) as { peer: string }[];
    const groups = prepared(this.db, `SELECT 'group:' || group_id AS peer FROM group_members WHERE login = ?`).all(login) as { peer: string }[];
    return Promise.all([...peers, ...groups].map((p) => this.conversation(login, p.peer)));
  }

  async conversation(login: string, peer: string): Promise<ConversationSummary> {
    if (isGroupAddress(peer)) return this.groupConversation(login, peer);
    const row = prepared(this.db, SUMMARY).get(login, peer) as { unread: number; last_seq: number };
    const lastSeq = Number(row.last_seq);
    const at = lastSeq ? (prepared(this.db, 'SELECT received_at FROM messages WHERE seq = ?').get(lastSeq) as { received_at: string } | undefined) : undefined;
    const seen = prepared(
      this.db,
      'SELECT r.seq AS seq, m.id AS id FROM read_marks r JOIN messages m ON m.seq = r.seq WHERE r.login = ? AND r.peer = ?',
    ).get(peer, login) as { seq: number; id: string } | undefined;
    return { peer, unread: Number(row.unread), lastSeq, lastAt: at?.received_at ?? '', ...(seen ? { seen: { upTo: Number(seen.seq), id: seen.id } } : {}) };
  }

  private groupConversation(login: string, peer: string): ConversationSummary {
    const row = prepared(this.db, GROUP_SUMMARY).get(login, peer, groupIdOf(peer)) as { unread: number; last_seq: number | null };
    const lastSeq = Number(row.last_seq ?? 0);
    const at = lastSeq ? (prepared(this.db, 'SELECT received_at FROM messages WHERE seq = ?').get(lastSeq) as { received_at: string } | undefined) : undefined;
    return { peer, unread: Number(row.unread), lastSeq, lastAt: at?.received_at ?? '' };
  }

  async groupMarks(group: string): Promise<Map<string, number>> {
    // Through each current member's own mark (the primary key): no index on peer to keep up.
    const rows = prepared(
      this.db,
      'SELECT gm.login AS login, r.seq AS seq FROM group_members gm JOIN read_marks r ON r.login = gm.login AND r.peer = ? WHERE gm.group_id = ?',
    ).all(group, groupIdOf(group)) as { login: string; seq: number }[];
    return new Map(rows.map((r) => [r.login, Number(r.seq)]));
  }

  async receiptsOn(login: string): Promise<boolean> {
    return prepared(this.db, 'SELECT 1 FROM receipts_off WHERE login = ?').get(login) === undefined;
  }

  async setReceipts(login: string, on: boolean): Promise<void> {
    if (on) prepared(this.db, 'DELETE FROM receipts_off WHERE login = ?').run(login);
    else prepared(this.db, 'INSERT OR IGNORE INTO receipts_off (login) VALUES (?)').run(login);
    await durable(this.db);
  }

  async messageId(seq: number): Promise<string | undefined> {
    return (prepared(this.db, 'SELECT id FROM messages WHERE seq = ?').get(seq) as { id: string } | undefined)?.id;
  }

  async inConversation(login: string, peer: string, seq: number): Promise<boolean> {
    if (isGroupAddress(peer)) {
      return prepared(this.db, `SELECT 1 FROM messages m WHERE seq = ?2 AND to_login = ?4 AND ${VISIBLE}`).get(login, seq, groupIdOf(peer), peer) !== undefined;
    }
    const row = prepared(this.db, 'SELECT from_login AS f, to_login AS t FROM messages WHERE seq = ?').get(seq) as { f: string; t: string } | undefined;
    return row !== undefined && login !== peer && ((row.f === login && row.t === peer) || (row.f === peer && row.t === login));
  }
}
