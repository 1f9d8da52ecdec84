// SQLite adapter of the message store (src/chat/messages.ts). Inserts arriving in the same turn of
// the event loop are committed together in one transaction, and insert resolves only once the WAL
// holding it is synced to disk (`durable`, shared by every insert of the moment): then the envelope
// survives a crash or a power cut.
import type { MessageStore, StoredMessage } from '../chat/messages.ts';
import type { Envelope } from '../protocol/envelope.ts';
import { durable, migrate, transaction, type Db } from './sqlite.ts';

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
];

interface Row {
  seq: number;
  received_at: string;
  envelope: string;
}
const fromRow = (r: Row): StoredMessage => ({ seq: Number(r.seq), receivedAt: r.received_at, envelope: JSON.parse(r.envelope) as Envelope });

const DELIVERY_WRITE_MS = 200;

interface PendingInsert {
  args: [id: string, from: string, to: string, receivedAt: string, envelope: string];
  resolve: (seq: number | undefined) => void;
  reject: (err: unknown) => void;
}

export class SqliteMessageStore implements MessageStore {
  private readonly db: Db;
  private readonly stmts;
  /** Delivery marks not yet written: login → highest seq pushed. */
  private readonly unwritten = new Map<string, number>();
  private writeTimer: NodeJS.Timeout | undefined;
  /** Inserts waiting for this turn's commit. */
  private queued: PendingInsert[] = [];

  constructor(db: Db) {
    this.db = db;
    migrate(db, 'messages', SCHEMA);
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO messages (id, from_login, to_login, received_at, envelope) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING RETURNING seq',
      ),
      hasId: db.prepare('SELECT 1 FROM messages WHERE id = ?'),
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
      forUser: db.prepare(
        `SELECT seq, received_at, envelope FROM messages WHERE seq > ?2 AND (to_login = ?1 OR from_login = ?1) ORDER BY seq LIMIT ?3`,
      ),
      delivered: db.prepare('SELECT seq FROM deliveries WHERE login = ?'),
      markDelivered: db.prepare(
        'INSERT INTO deliveries (login, seq) VALUES (?, ?) ON CONFLICT(login) DO UPDATE SET seq = max(seq, excluded.seq)',
      ),
    };
  }

  async insert(e: Envelope, receivedAt: string): Promise<StoredMessage | undefined> {
    const seq = await new Promise<number | undefined>((resolve, reject) => {
      if (!this.queued.length) setImmediate(() => this.commitQueued());
      this.queued.push({ args: [e.id, e.from, e.to, receivedAt, JSON.stringify(e)], resolve, reject });
    });
    if (seq === undefined) return undefined;
    await durable(this.db);
    return { seq, receivedAt, envelope: e };
  }

  /**
   * One transaction for every insert queued during the turn: a commit writes each touched page of
   * the table and its four indexes to the WAL, and sixteen messages in a row share those pages,
   * so this halves the cost of an insert under load. The transaction opens and closes within this
   * one synchronous call, so no other write on the connection ever lands inside it.
   */
  private commitQueued(): void {
    const batch = this.queued;
    this.queued = [];
    let seqs: (number | undefined)[];
    try {
      seqs = transaction(this.db, () =>
        batch.map((p) => {
          const row = this.stmts.insert.get(...p.args) as { seq: number } | undefined;
          return row && Number(row.seq);
        }),
      );
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    // An id already taken (a replay, or the same id twice in the batch) got no row: undefined.
    batch.forEach((p, i) => p.resolve(seqs[i]));
  }

  hasId(id: string): boolean {
    return this.stmts.hasId.get(id) !== undefined;
  }

  conversation(a: string, b: string, page: { after?: number; before?: number; limit: number }): StoredMessage[] {
    const rows =
      page.before !== undefined
        ? this.stmts.before.all(a, b, page.before, page.limit)
        : this.stmts.after.all(a, b, page.after ?? 0, page.limit);
    return (rows as unknown as Row[]).map(fromRow);
  }

  forUser(login: string, after: number, limit: number): StoredMessage[] {
    return (this.stmts.forUser.all(login, after, limit) as unknown as Row[]).map(fromRow);
  }

  deliveredUpTo(login: string): number {
    const stored = Number((this.stmts.delivered.get(login) as { seq: number } | undefined)?.seq ?? 0);
    return Math.max(stored, this.unwritten.get(login) ?? 0);
  }

  /**
   * Written behind, at most every DELIVERY_WRITE_MS: each message pushed to each open stream would
   * otherwise be a database write (fifty of them for a user with fifty tabs). A crash may forget
   * the last fraction of a second of marks, so a few messages are delivered again on the next
   * connection; clients recognise the ids they have already seen.
   */
  markDelivered(login: string, seq: number): void {
    if (seq <= (this.unwritten.get(login) ?? 0)) return;
    this.unwritten.set(login, seq);
    this.writeTimer ??= setTimeout(() => this.writeDeliveries(), DELIVERY_WRITE_MS).unref();
  }

  private writeDeliveries(): void {
    this.writeTimer = undefined;
    const marks = [...this.unwritten];
    this.unwritten.clear();
    try {
      transaction(this.db, () => {
        for (const [login, seq] of marks) this.stmts.markDelivered.run(login, seq);
      });
    } catch {
      // The database was closed meanwhile (shutdown): the marks are only an optimisation.
    }
  }
}
