// PostgreSQL adapter of the read marks (src/chat/read-marks.ts), as src/store/sqlite/read-marks.ts:
// the same queries through the same indexes (messages_pair, messages_senders; see that file), and
// the people someone exchanged messages with found by a loose index scan, which PostgreSQL does not
// do by itself for DISTINCT either.
//
// A mark only moves forward, whichever instance writes it: one INSERT … ON CONFLICT … DO UPDATE …
// WHERE the stored mark is lower. PostgreSQL locks the row (or waits on a concurrent insertion of
// it) before it evaluates that WHERE against the latest committed mark, so of two concurrent marks
// the higher one stays, whatever order they commit in.
//
// "Once it would survive a power cut": a commit returns once its WAL is flushed, under the server's
// synchronous_commit (on by default), which this adapter leaves to the operator.
//
// A group (protocol §7) is counted as on SQLite (src/store/sqlite/read-marks.ts): along
// messages_to, only where the reader's spans (group_spans) allow.
import type { ConversationSummary, ReadMarkStore } from '../../chat/read-marks.ts';
import type { Fragment } from 'postgres';
import { isGroupAddress } from '../../protocol/envelope.ts';
import { groupIdOf } from '../../protocol/groups.ts';
import type { Sql } from './connect.ts';

interface SummaryRow {
  peer: string;
  unread: number;
  last_seq: number;
  last_at: string | null;
  seen_seq: number | null;
  seen_id: string | null;
}

const fromRow = (r: SummaryRow): ConversationSummary => ({
  peer: r.peer,
  unread: Number(r.unread),
  lastSeq: Number(r.last_seq),
  lastAt: r.last_at ?? '',
  ...(r.seen_seq !== null && r.seen_id !== null ? { seen: { upTo: Number(r.seen_seq), id: r.seen_id } } : {}),
});

export class PostgresReadMarks implements ReadMarkStore {
  private readonly sql: Sql;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  async mark(login: string, peer: string, upTo: number): Promise<boolean> {
    const r = await this.sql`
      INSERT INTO read_marks (login, peer, seq) VALUES (${login}, ${peer}, ${upTo})
      ON CONFLICT (login, peer) DO UPDATE SET seq = excluded.seq WHERE read_marks.seq < excluded.seq`;
    return r.count > 0;
  }

  async conversations(login: string): Promise<ConversationSummary[]> {
    // Peers of login: those who wrote to them (skipping along their senders in messages_senders)
    // and those they wrote to (skipping along their recipients in messages_pair).
    const pairs = this.sql`
      senders(s) AS (
        SELECT (SELECT min(from_login) FROM messages WHERE to_login = ${login})
        UNION ALL
        SELECT (SELECT min(from_login) FROM messages WHERE to_login = ${login} AND from_login > s) FROM senders WHERE s IS NOT NULL
      ),
      recipients(r) AS (
        SELECT (SELECT min(to_login) FROM messages WHERE from_login = ${login})
        UNION ALL
        SELECT (SELECT min(to_login) FROM messages WHERE from_login = ${login} AND to_login > r) FROM recipients WHERE r IS NOT NULL
      ),
      pairs(login, peer) AS (
        SELECT ${login}::text, s FROM senders WHERE s IS NOT NULL AND s <> ${login}
        UNION
        SELECT ${login}::text, r FROM recipients WHERE r IS NOT NULL AND r <> ${login} AND left(r, 6) <> 'group:'
      ),`;
    const [people, groups] = await Promise.all([
      this.summaries(pairs),
      this.groupSummaries(this.sql`SELECT ${login}::text AS login, 'group:' || group_id AS peer, group_id FROM group_members WHERE login = ${login}`),
    ]);
    return [...people, ...groups].map(fromRow);
  }

  async conversation(login: string, peer: string): Promise<ConversationSummary> {
    if (isGroupAddress(peer)) {
      const [row] = await this.groupSummaries(this.sql`SELECT ${login}::text AS login, ${peer}::text AS peer, ${groupIdOf(peer)}::text AS group_id`);
      return fromRow(row);
    }
    const [row] = await this.summaries(this.sql`pairs(login, peer) AS (SELECT ${login}::text, ${peer}::text),`);
    return fromRow(row);
  }

  /**
   * One summary per row of `pairs(login, peer)` (the CTEs that define it, each followed by a
   * comma): one round trip for a whole list of conversations. The reader's mark, the unread count
   * above it and the newest seq either way are index seeks and a range count on messages_pair; the
   * peer's own mark, joined to its message for the envelope id, is the read receipt.
   */
  private summaries(pairs: Fragment): Promise<SummaryRow[]> {
    return this.sql<SummaryRow[]>`
      WITH RECURSIVE ${pairs}
      summary AS (
        SELECT p.login, p.peer,
               coalesce((SELECT seq FROM read_marks WHERE login = p.login AND peer = p.peer), 0) AS mark,
               greatest(coalesce((SELECT max(seq) FROM messages WHERE from_login = p.peer AND to_login = p.login), 0),
                        coalesce((SELECT max(seq) FROM messages WHERE from_login = p.login AND to_login = p.peer), 0)) AS last_seq
        FROM pairs p
      )
      SELECT s.peer, s.last_seq,
             (SELECT count(*) FROM messages WHERE from_login = s.peer AND to_login = s.login AND seq > s.mark) AS unread,
             (SELECT received_at FROM messages WHERE seq = s.last_seq) AS last_at,
             seen.seq AS seen_seq, seen.id AS seen_id
      FROM summary s
      LEFT JOIN LATERAL (
        SELECT r.seq, m.id FROM read_marks r JOIN messages m ON m.seq = r.seq WHERE r.login = s.peer AND r.peer = s.login
      ) seen ON true`;
  }

  /** One summary per row (login, peer, group_id) of `groups`: unread from others and the newest message, where login's spans allow. */
  private groupSummaries(groups: Fragment): Promise<SummaryRow[]> {
    return this.sql<SummaryRow[]>`
      WITH g AS (${groups}),
      summary AS (
        SELECT g.login, g.peer, g.group_id,
               coalesce((SELECT seq FROM read_marks WHERE login = g.login AND peer = g.peer), 0) AS mark,
               coalesce((SELECT seq FROM messages m WHERE m.to_login = g.peer AND ${this.visible()} ORDER BY seq DESC LIMIT 1), 0) AS last_seq
        FROM g
      )
      SELECT g.peer, g.last_seq,
             (SELECT count(*) FROM messages m WHERE m.to_login = g.peer AND m.seq > g.mark AND m.from_login <> g.login AND ${this.visible()}) AS unread,
             (SELECT received_at FROM messages WHERE seq = g.last_seq) AS last_at,
             NULL::bigint AS seen_seq, NULL::text AS seen_id
      FROM summary g`;
  }

  /** Whether message row `m` is one reader `g.login` may see in group `g.group_id`. */
  private visible(): Fragment {
    return this.sql`EXISTS (SELECT 1 FROM group_spans s WHERE s.group_id = g.group_id AND s.login = g.login
                             AND m.epoch >= s.from_epoch AND (s.to_epoch IS NULL OR m.epoch < s.to_epoch))`;
  }

  async groupMarks(group: string): Promise<Map<string, number>> {
    // Through each current member's own mark (the primary key): no index on peer to keep up.
    const rows = await this.sql<{ login: string; seq: number }[]>`
      SELECT gm.login, r.seq FROM group_members gm JOIN read_marks r ON r.login = gm.login AND r.peer = ${group}
      WHERE gm.group_id = ${groupIdOf(group)}`;
    return new Map(rows.map((r) => [r.login, Number(r.seq)]));
  }

  async receiptsOn(login: string): Promise<boolean> {
    return (await this.sql`SELECT 1 FROM receipts_off WHERE login = ${login}`).length === 0;
  }

  async setReceipts(login: string, on: boolean): Promise<void> {
    if (on) await this.sql`DELETE FROM receipts_off WHERE login = ${login}`;
    else await this.sql`INSERT INTO receipts_off (login) VALUES (${login}) ON CONFLICT DO NOTHING`;
  }

  async messageId(seq: number): Promise<string | undefined> {
    const [r] = await this.sql<{ id: string }[]>`SELECT id FROM messages WHERE seq = ${seq}`;
    return r?.id;
  }

  async inConversation(login: string, peer: string, seq: number): Promise<boolean> {
    if (isGroupAddress(peer)) {
      const found = await this.sql`
        SELECT 1 FROM messages m WHERE m.seq = ${seq} AND m.to_login = ${peer}
          AND EXISTS (SELECT 1 FROM group_spans s WHERE s.group_id = ${groupIdOf(peer)} AND s.login = ${login}
                        AND m.epoch >= s.from_epoch AND (s.to_epoch IS NULL OR m.epoch < s.to_epoch))`;
      return found.length > 0;
    }
    const [r] = await this.sql<{ f: string; t: string }[]>`SELECT from_login AS f, to_login AS t FROM messages WHERE seq = ${seq}`;
    return r !== undefined && login !== peer && ((r.f === login && r.t === peer) || (r.f === peer && r.t === login));
  }
}
