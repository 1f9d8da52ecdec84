// PostgreSQL adapter of the session store (src/auth/sessions.ts), as src/store/sqlite/sessions.ts.
// No read cache here: with several instances a cached session would outlive its deletion on
// another one, and the cache's invalidation between instances is the Redis adapter's business.
import type { SessionRecord, SessionStore } from '../../auth/sessions.ts';
import type { Sql } from './connect.ts';
import { sessionOf as fromRow, type SessionRow as Row } from '../rows.ts';

export class PostgresSessionStore implements SessionStore {
  private readonly sql: Sql;
  constructor(sql: Sql) {
    this.sql = sql;
  }
  async insert(s: SessionRecord): Promise<void> {
    await this.sql`
      INSERT INTO sessions (token_hash, login, cert_serial, created_at, expires_at, user_agent)
      VALUES (${s.tokenHash}, ${s.login}, ${s.certSerial}, ${s.createdAt}, ${s.expiresAt}, ${s.userAgent ?? null})`;
  }
  async get(tokenHash: string): Promise<SessionRecord | undefined> {
    const [r] = await this.sql<Row[]>`
      SELECT token_hash, login, cert_serial, created_at, expires_at, user_agent FROM sessions WHERE token_hash = ${tokenHash}`;
    return r && fromRow(r);
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
  }
  async deleteForCertificate(serial: string): Promise<number> {
    return (await this.sql`DELETE FROM sessions WHERE cert_serial = ${serial}`).count;
  }
  async deleteOthers(login: string, keep: string): Promise<number> {
    return (await this.sql`DELETE FROM sessions WHERE login = ${login} AND token_hash <> ${keep}`).count;
  }
  async deleteExpired(now: string): Promise<void> {
    await this.sql`DELETE FROM sessions WHERE expires_at <= ${now}`;
  }
}
