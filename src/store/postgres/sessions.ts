// PostgreSQL adapter of the session store (src/auth/sessions.ts), as src/store/sqlite/sessions.ts.
// A session read by its hash is kept in memory only while PostgreSQL's announcements are followed
// (row-cache.ts): a session ended on another instance is forgotten as its deletion is announced.
import type { SessionRecord, SessionStore } from '../../auth/sessions.ts';
import type { Sql } from './connect.ts';
import { sessionOf as fromRow, type SessionRow as Row } from '../rows.ts';
import { RowCache } from './row-cache.ts';
import type { RowChanges } from './row-changes.ts';

export class PostgresSessionStore implements SessionStore {
  private readonly sql: Sql;
  private readonly cache: RowCache<SessionRecord> | undefined;
  /** Without `changes` every read goes to the database. */
  constructor(sql: Sql, changes?: RowChanges) {
    this.sql = sql;
    this.cache = changes && new RowCache(changes, 'sessions');
  }
  async insert(s: SessionRecord): Promise<void> {
    await this.sql`
      INSERT INTO sessions (token_hash, login, cert_serial, created_at, expires_at, user_agent)
      VALUES (${s.tokenHash}, ${s.login}, ${s.certSerial}, ${s.createdAt}, ${s.expiresAt}, ${s.userAgent ?? null})`;
    this.cache?.forget(s.tokenHash);
  }
  async get(tokenHash: string): Promise<SessionRecord | undefined> {
    const load = async () => {
      const [r] = await this.sql<Row[]>`
        SELECT token_hash, login, cert_serial, created_at, expires_at, user_agent FROM sessions WHERE token_hash = ${tokenHash}`;
      return r && fromRow(r);
    };
    return this.cache ? this.cache.get(tokenHash, load) : load();
  }
  async forLogin(login: string, now: string): Promise<SessionRecord[]> {
    // n is insertion order, SQLite's rowid: it breaks ties between sessions opened in the same ms.
    const rows = await this.sql<Row[]>`
      SELECT token_hash, login, cert_serial, created_at, expires_at, user_agent FROM sessions
      WHERE login = ${login} AND expires_at > ${now} ORDER BY created_at DESC, n DESC`;
    return rows.map(fromRow);
  }
  async delete(tokenHash: string): Promise<void> {
    await this.sql`DELETE FROM sessions WHERE token_hash = ${tokenHash}`;
    this.cache?.forget(tokenHash);
  }
  // The deletions of many rows name them in their answer, so exactly those are forgotten at once.
  async deleteForCertificate(serial: string): Promise<number> {
    return this.forgetting(await this.sql<{ token_hash: string }[]>`DELETE FROM sessions WHERE cert_serial = ${serial} RETURNING token_hash`);
  }
  async deleteOthers(login: string, keep: string): Promise<number> {
    return this.forgetting(await this.sql<{ token_hash: string }[]>`DELETE FROM sessions WHERE login = ${login} AND token_hash <> ${keep} RETURNING token_hash`);
  }
  async deleteExpired(now: string): Promise<void> {
    this.forgetting(await this.sql<{ token_hash: string }[]>`DELETE FROM sessions WHERE expires_at <= ${now} RETURNING token_hash`);
  }
  private forgetting(deleted: readonly { token_hash: string }[]): number {
    for (const r of deleted) this.cache?.forget(r.token_hash);
    return deleted.length;
  }
}
