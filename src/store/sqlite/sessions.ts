// SQLite adapter of the session store (src/auth/sessions.ts).
import type { SessionRecord, SessionStore } from '../../auth/sessions.ts';
import { migrate, prepared, type Db } from './sqlite.ts';
import { ReadCache } from './read-cache.ts';
import { sessionOf as fromRow, type SessionRow as Row } from '../rows.ts';

const SCHEMA = [
  `CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     login TEXT NOT NULL,
     cert_serial TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );
   CREATE INDEX sessions_cert ON sessions (cert_serial);
   CREATE INDEX sessions_expiry ON sessions (expires_at);`,
  // What opened the session, for the person's list of where they are logged in.
  `ALTER TABLE sessions ADD COLUMN user_agent TEXT;
   CREATE INDEX sessions_login ON sessions (login);`,
];

export class SqliteSessionStore implements SessionStore {
  private readonly db: Db;
  /** Every authenticated request looks its session up. */
  private readonly cache: ReadCache<SessionRecord>;
  constructor(db: Db) {
    this.db = db;
    migrate(db, 'sessions', SCHEMA);
    this.cache = new ReadCache(db, 'sessions');
  }
  async insert(s: SessionRecord): Promise<void> {
    prepared(this.db, 'INSERT INTO sessions (token_hash, login, cert_serial, created_at, expires_at, user_agent) VALUES (?, ?, ?, ?, ?, ?)').run(
      s.tokenHash,
      s.login,
      s.certSerial,
      s.createdAt,
      s.expiresAt,
      s.userAgent ?? null,
    );
    this.cache.changed();
  }
  async get(tokenHash: string): Promise<SessionRecord | undefined> {
    return this.cache.get(tokenHash, () => {
      const r = prepared(this.db, 'SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as Row | undefined;
      return r && fromRow(r);
    });
  }
  async forLogin(login: string, now: string): Promise<SessionRecord[]> {
    return (prepared(this.db, 'SELECT * FROM sessions WHERE login = ? AND expires_at > ? ORDER BY created_at DESC, rowid DESC').all(login, now) as unknown as Row[]).map(fromRow);
  }
  async delete(tokenHash: string): Promise<void> {
    prepared(this.db, 'DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
    this.cache.changed();
  }
  async deleteForCertificate(serial: string): Promise<number> {
    const n = Number(prepared(this.db, 'DELETE FROM sessions WHERE cert_serial = ?').run(serial).changes);
    this.cache.changed();
    return n;
  }
  async deleteOthers(login: string, keep: string): Promise<number> {
    const n = Number(prepared(this.db, 'DELETE FROM sessions WHERE login = ? AND token_hash <> ?').run(login, keep).changes);
    this.cache.changed();
    return n;
  }
  async deleteExpired(now: string): Promise<void> {
    prepared(this.db, 'DELETE FROM sessions WHERE expires_at <= ?').run(now);
    this.cache.changed();
  }
}
