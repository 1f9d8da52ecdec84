// PostgreSQL adapter of the message store (src/chat/messages.ts), behaving as the SQLite one
// (src/store/sqlite/messages.ts and its writer): `admit` checks the envelope's RSA-PSS signature,
// then stores it unless its id is taken (a replay), and resolves once the row is committed.
//
// - The signature is checked on a thread of its own (src/store/signature-verifier.ts), so the event
//   loop only parses and answers, as the SQLite writer's worker thread allows there.
// - Group commit: admissions that arrive while a transaction is under way wait for it to end and
//   then go together, as one INSERT in one transaction; each resolves once that transaction has
//   committed, in the order they were submitted, with ascending seqs.
// - Durable: a commit returns once its WAL is flushed, under the server's synchronous_commit (on by
//   default), which this adapter leaves to the operator (a stricter remote_apply stays stricter).
//
// Seqs become visible in order, across any number of instances. `seq` is the SSE event id, and a
// client resumes with Last-Event-ID (forUser(login, after)). An identity value is drawn at INSERT,
// not at COMMIT: without care, instance A draws 7, instance B draws 8 and commits first, and a
// reader that sees 8 and resumes "after 8" never sees 7. So every insert transaction first takes
// one transaction-level advisory lock, MESSAGE_LOCK, and draws its seqs while holding it:
// PostgreSQL releases a transaction's locks only after its commit is visible to everyone, so the
// next holder draws larger seqs (the identity sequence has CACHE 1: every instance draws from the
// one shared counter) and commits later. Any snapshot that shows a seq therefore shows every
// smaller one that will ever exist. The cost is one commit at a time across all instances, which
// group commit amortises: each transaction carries every admission that arrived meanwhile.
//
// A group message (protocol §7) is stored only while its group is at the epoch the sender sealed
// it for: the transaction reads the groups' epochs FOR SHARE, so a change of the group (an UPDATE
// of that row, src/store/postgres/groups.ts) waits for this commit, and one that committed first is
// seen. Who may read a group message comes from group_spans, as on SQLite (see that adapter).
import type { Admission, Admitted, AnyEnvelope, MessageStore, StoredMessage } from '../../chat/messages.ts';
import { storedMessage } from '../rows.ts';
import { isGroupAddress } from '../../protocol/envelope.ts';
import { groupIdOf } from '../../protocol/groups.ts';
import type { Sql } from './connect.ts';
import type { TransactionSql } from 'postgres';
import { WriteBehindDeliveryMarks } from '../delivery-marks.ts';
import { SignatureVerifier } from '../signature-verifier.ts';

/**
 * The advisory lock key that orders message commits: a constant, the same in every instance;
 * "tekupmsg" in ASCII, so it is recognisable in pg_locks and distinct from the migrations' key.
 */
export const MESSAGE_LOCK = 0x74656b75706d7367n;

/** At most this many admissions per transaction (each up to 64 KiB of envelope). */
const MAX_BATCH = 256;

interface Row {
  seq: number;
  received_at: string;
  envelope: string;
}
const fromRow = (r: Row): StoredMessage => storedMessage(Number(r.seq), r.received_at, r.envelope);

interface Pending {
  a: Admission;
  verified: Promise<boolean>;
  resolve: (r: Admitted) => void;
  reject: (err: Error) => void;
}

export class PostgresMessageStore implements MessageStore {
  private readonly sql: Sql;
  private readonly verifier = new SignatureVerifier();
  /** Admissions waiting for the next transaction, in the order they were submitted. */
  private queue: Pending[] = [];
  /** The loop committing batches, while there is one. */
  private writing: Promise<void> | undefined;
  private closed = false;
  private readonly deliveries: WriteBehindDeliveryMarks;

  constructor(sql: Sql) {
    this.sql = sql;
    this.deliveries = new WriteBehindDeliveryMarks(async (marks) => {
      // Sorted by login: two instances writing overlapping marks lock the rows in the same order
      // and wait for each other instead of deadlocking. GREATEST: a mark only moves forward, even
      // when another instance wrote a higher one meanwhile.
      marks.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const logins = marks.map(([l]) => l);
      const seqs = marks.map(([, s]) => String(s));
      await sql`
        INSERT INTO deliveries (login, seq)
        SELECT * FROM unnest(${logins}::text[], ${seqs}::bigint[])
        ON CONFLICT (login) DO UPDATE SET seq = greatest(deliveries.seq, excluded.seq)`;
    });
  }

  admit(a: Admission): Promise<Admitted> {
    if (this.closed) return Promise.reject(new Error('the message store is closed'));
    return new Promise<Admitted>((resolve, reject) => {
      this.queue.push({ a, verified: this.verifies(a), resolve, reject });
      this.writing ??= this.drain();
    });
  }

  /** Answers the admissions under way and writes the pending delivery marks; the pool stays open (it is shared). */
  async close(): Promise<void> {
    this.closed = true;
    await this.writing;
    await this.deliveries.flush();
    await this.verifier.close();
  }

  private verifies(a: Admission): Promise<boolean> {
    const verified = this.verifier.verify({ text: a.signedText, sig: a.envelope.sig, serial: a.signer.serial, der: a.signer.der });
    // Awaited later, in its batch's commit: until then a failure must not count as unhandled.
    verified.catch(() => {});
    return verified;
  }

  /**
   * Commits batches until none is waiting. Started by the first admission; one turn of the event
   * loop first, so that admissions submitted together go together. Never rejects: each batch
   * answers its own failure.
   */
  private async drain(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length) await this.commit(this.queue.splice(0, MAX_BATCH));
    this.writing = undefined; // no await since the loop's test: no admission can slip in unseen
  }

  private async commit(batch: Pending[]): Promise<void> {
    let verified: boolean[];
    try {
      verified = await Promise.all(batch.map((p) => p.verified));
    } catch (err) {
      // The verifying thread failed: nothing was decided, nothing is stored or acknowledged.
      const error = new Error(`checking the signatures failed: ${(err as Error).message}`, { cause: err });
      for (const p of batch) p.reject(error);
      return;
    }
    const results: Admitted[] = batch.map(() => ({ refused: 'bad_signature' }));
    if (verified.some(Boolean)) {
      try {
        const [stale, missing, inserted] = await this.sql.begin(async (tx) => {
          await tx.unsafe(`SELECT pg_advisory_xact_lock(${MESSAGE_LOCK})`);
          // Sorted: two batches (of two instances) lock the group rows in the same order.
          const groupIds = [...new Set(batch.flatMap((p, i) => (verified[i] && p.a.group ? [p.a.group.id] : [])))].sort();
          const epochs = new Map<string, number>();
          if (groupIds.length) {
            const rows = await tx<{ id: string; epoch: number }[]>`SELECT id, epoch FROM groups WHERE id = ANY(${groupIds}::text[]) ORDER BY id FOR SHARE`;
            for (const r of rows) epochs.set(r.id, Number(r.epoch));
          }
          const stale = new Set(batch.filter((p, i) => verified[i] && p.a.group && epochs.get(p.a.group.id) !== p.a.group.epoch));
          const missing = await this.missingUploads(tx, batch.filter((p, i) => verified[i] && !stale.has(p) && p.a.files?.length));
          const rows = batch.filter((p, i) => verified[i] && !stale.has(p) && !missing.has(p));
          if (!rows.length) return [stale, missing, []] as const;
          const col = (f: (p: Pending) => string | null) => rows.map(f);
          // In submission order: the seqs ascend with it, and of two admissions of one id in this
          // batch the first is stored. DO NOTHING skips an id already taken, in an earlier commit
          // (of any instance) or earlier in this statement.
          const inserted = await tx<{ id: string; seq: number }[]>`
            INSERT INTO messages (id, from_login, to_login, received_at, envelope, epoch)
            SELECT id, from_login, to_login, received_at, envelope, epoch
            FROM unnest(${col((p) => p.a.envelope.id)}::text[], ${col((p) => p.a.envelope.from)}::text[], ${col((p) => p.a.envelope.to)}::text[],
                        ${col((p) => p.a.receivedAt)}::text[], ${col((p) => JSON.stringify(p.a.envelope))}::text[],
                        ${col((p) => (p.a.group ? String(p.a.group.epoch) : null))}::bigint[])
                 WITH ORDINALITY AS u(id, from_login, to_login, received_at, envelope, epoch, n)
            ORDER BY n
            ON CONFLICT (id) DO NOTHING
            RETURNING id, seq`;
          await this.refer(tx, rows, inserted);
          return [stale, missing, inserted] as const;
        });
        // A stale admission (or one missing an upload) whose id is stored already is a replay.
        const staleIds = [...stale, ...missing].map((p) => p.a.envelope.id);
        const taken = new Set(staleIds.length ? (await this.sql<{ id: string }[]>`SELECT id FROM messages WHERE id = ANY(${staleIds}::text[])`).map((r) => r.id) : []);
        const seqs = new Map(inserted.map((r) => [r.id, Number(r.seq)]));
        batch.forEach((p, i) => {
          if (!verified[i]) return;
          const e = p.a.envelope;
          if (stale.has(p)) {
            results[i] = { refused: taken.has(e.id) ? 'replay' : 'stale_epoch' };
            return;
          }
          if (missing.has(p)) {
            results[i] = { refused: taken.has(e.id) ? 'replay' : 'unknown_file' };
            return;
          }
          const seq = seqs.get(e.id);
          seqs.delete(e.id); // a second admission of this id in the batch is a replay
          results[i] = seq === undefined ? { refused: 'replay' } : { stored: { seq, receivedAt: p.a.receivedAt, envelope: e } };
        });
      } catch (err) {
        // Nothing of the batch was committed: nothing is acknowledged.
        const error = new Error(`storing the message failed: ${(err as Error).message}`, { cause: err });
        batch.forEach((p, i) => (verified[i] ? p.reject(error) : p.resolve(results[i])));
        return;
      }
    }
    batch.forEach((p, i) => p.resolve(results[i]));
  }

  /**
   * The admissions listing a file their sender's uploads no longer hold. The uploads read are locked
   * FOR SHARE until the commit: forgetting one (src/store/postgres/attachments.ts) waits for it.
   */
  private async missingUploads(tx: TransactionSql, withFiles: Pending[]): Promise<Set<Pending>> {
    const missing = new Set<Pending>();
    if (!withFiles.length) return missing;
    const pairs = withFiles.flatMap((p) => p.a.files!.map((f) => [f, p.a.envelope.from] as const));
    const kept = await tx<{ id: string; uploader: string }[]>`
      SELECT id, uploader FROM attachment_uploads
      WHERE (id, uploader) IN (SELECT * FROM unnest(${pairs.map(([f]) => f)}::text[], ${pairs.map(([, u]) => u)}::text[]))
      ORDER BY id, uploader FOR SHARE`;
    const have = new Set(kept.map((r) => `${r.id} ${r.uploader}`));
    for (const p of withFiles) if (!p.a.files!.every((f) => have.has(`${f} ${p.a.envelope.from}`))) missing.add(p);
    return missing;
  }

  /** The files each stored message lists, as references (the first admission of an id is the one stored). */
  private async refer(tx: TransactionSql, rows: Pending[], inserted: readonly { id: string; seq: number }[]): Promise<void> {
    const seqs = new Map(inserted.map((r) => [r.id, String(r.seq)]));
    const files: string[] = [];
    const of: string[] = [];
    for (const p of rows) {
      const seq = seqs.get(p.a.envelope.id);
      seqs.delete(p.a.envelope.id);
      if (seq !== undefined) for (const f of p.a.files ?? []) files.push(f), of.push(seq);
    }
    if (files.length) await tx`INSERT INTO message_files (file_id, seq) SELECT * FROM unnest(${files}::text[], ${of}::bigint[])`;
  }

  async conversation(a: string, b: string, page: { after?: number; before?: number; limit: number }): Promise<StoredMessage[]> {
    if (isGroupAddress(b)) return this.groupConversation(a, b, page);
    // Each direction is an ordered range of messages_pair, merged: no sort of the whole
    // conversation for a page. Between someone and themselves the second direction is the first.
    const rows =
      page.before !== undefined
        ? await this.sql<Row[]>`
            SELECT * FROM (
              (SELECT seq, received_at, envelope FROM messages WHERE from_login = ${a} AND to_login = ${b} AND seq < ${page.before} ORDER BY seq DESC LIMIT ${page.limit})
              UNION ALL
              (SELECT seq, received_at, envelope FROM messages WHERE from_login = ${b} AND to_login = ${a} AND ${a} <> ${b} AND seq < ${page.before} ORDER BY seq DESC LIMIT ${page.limit})
              ORDER BY seq DESC LIMIT ${page.limit}
            ) newest ORDER BY seq`
        : await this.sql<Row[]>`
            (SELECT seq, received_at, envelope FROM messages WHERE from_login = ${a} AND to_login = ${b} AND seq > ${page.after ?? 0} ORDER BY seq LIMIT ${page.limit})
            UNION ALL
            (SELECT seq, received_at, envelope FROM messages WHERE from_login = ${b} AND to_login = ${a} AND ${a} <> ${b} AND seq > ${page.after ?? 0} ORDER BY seq LIMIT ${page.limit})
            ORDER BY seq LIMIT ${page.limit}`;
    return rows.map(fromRow);
  }

  /** A walk along messages_to in seq order, with a look-up of the reader's spans per row: a page stops after `limit` visible rows. */
  private async groupConversation(a: string, b: string, page: { after?: number; before?: number; limit: number }): Promise<StoredMessage[]> {
    const visible = this.sql`EXISTS (SELECT 1 FROM group_spans s WHERE s.group_id = ${groupIdOf(b)} AND s.login = ${a}
                               AND m.epoch >= s.from_epoch AND (s.to_epoch IS NULL OR m.epoch < s.to_epoch))`;
    const rows =
      page.before !== undefined
        ? await this.sql<Row[]>`
            SELECT * FROM (SELECT seq, received_at, envelope FROM messages m WHERE to_login = ${b} AND seq < ${page.before} AND ${visible}
                           ORDER BY seq DESC LIMIT ${page.limit}) newest ORDER BY seq`
        : await this.sql<Row[]>`
            SELECT seq, received_at, envelope FROM messages m WHERE to_login = ${b} AND seq > ${page.after ?? 0} AND ${visible}
            ORDER BY seq LIMIT ${page.limit}`;
    return rows.map(fromRow);
  }

  async forUser(login: string, after: number, limit: number): Promise<StoredMessage[]> {
    // The 1:1 messages as before (epoch IS NULL: a group message the user sent comes with the
    // group's), then each group's messages within each of the user's spans; each part stops at the
    // limit before they are merged.
    const rows = await this.sql<Row[]>`
      (SELECT seq, received_at, envelope FROM messages
       WHERE seq > ${after} AND (to_login = ${login} OR from_login = ${login}) AND epoch IS NULL ORDER BY seq LIMIT ${limit})
      UNION ALL
      (SELECT m.seq, m.received_at, m.envelope FROM group_spans s
         JOIN messages m ON m.to_login = 'group:' || s.group_id AND m.seq > ${after}
                        AND m.epoch >= s.from_epoch AND (s.to_epoch IS NULL OR m.epoch < s.to_epoch)
       WHERE s.login = ${login} ORDER BY m.seq LIMIT ${limit})
      ORDER BY seq LIMIT ${limit}`;
    return rows.map(fromRow);
  }

  async deliveredUpTo(login: string): Promise<number> {
    // Memory first: a write that ends during the query leaves memory, and the query may have been
    // answered before it landed; read the other way round, both could miss it.
    const notStored = this.deliveries.notStoredUpTo(login);
    const [r] = await this.sql<{ seq: number }[]>`SELECT seq FROM deliveries WHERE login = ${login}`;
    return Math.max(Number(r?.seq ?? 0), notStored);
  }

  /** Written behind (src/store/delivery-marks.ts), as on SQLite. */
  async markDelivered(login: string, seq: number): Promise<void> {
    this.deliveries.mark(login, seq);
  }
}
