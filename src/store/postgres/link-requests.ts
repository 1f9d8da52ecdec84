// PostgreSQL adapter of the device-link request store (src/auth/link-requests.ts, protocol §6), over
// link_requests (schema.ts migration 9): the same rows as on SQLite, the code and the new device's
// secret only as their SHA-256. Every change of state is one UPDATE whose WHERE checks the state:
// of two instances updating the row at once, the second waits for the first to commit, then
// (READ COMMITTED) evaluates its WHERE again on the row as committed, finds it no longer pending
// and changes nothing. ISO times compare as text (COLLATE "C").
import type { LinkRequest, LinkRequestStore } from '../../auth/link-requests.ts';
import { linkRequestOf as fromRow, type LinkRequestRow as Row } from '../rows.ts';
import type { Sql } from './connect.ts';

export class PostgresLinkRequests implements LinkRequestStore {
  private readonly sql: Sql;
  constructor(sql: Sql) {
    this.sql = sql;
  }

  async create(r: LinkRequest): Promise<void> {
    await this.sql`
      INSERT INTO link_requests (id, login, device_name, csr, key_fingerprint, address, user_agent, code_hash, secret_hash,
        created_at, expires_at, wrong_codes, state, serial, answer)
      VALUES (${r.id}, ${r.login}, ${r.deviceName}, ${r.csr}, ${r.keyFingerprint}, ${r.address}, ${r.userAgent}, ${r.codeHash},
        ${r.secretHash}, ${r.createdAt}, ${r.expiresAt}, ${r.wrongCodes}, ${r.state}, ${r.serial ?? null}, ${r.answer ?? null})`;
  }

  async get(id: string): Promise<LinkRequest | undefined> {
    const [r] = await this.sql<Row[]>`SELECT * FROM link_requests WHERE id = ${id}`;
    return r && fromRow(r);
  }

  async pending(login: string, now: string): Promise<LinkRequest[]> {
    // n (insertion order) breaks ties between equal createdAt, as SQLite's rowid does.
    const rows = await this.sql<Row[]>`
      SELECT * FROM link_requests WHERE login = ${login} AND state = 'pending' AND expires_at > ${now} ORDER BY created_at, n`;
    return rows.map(fromRow);
  }

  async wrongCode(id: string, max: number, now: string): Promise<number | undefined> {
    // The SET expressions read the row as it was before this statement: the count before this code.
    const [r] = await this.sql<{ wrong_codes: number }[]>`
      UPDATE link_requests SET wrong_codes = wrong_codes + 1,
        state = CASE WHEN wrong_codes + 1 >= ${max} THEN 'failed' ELSE state END
      WHERE id = ${id} AND state = 'pending' AND expires_at > ${now} RETURNING wrong_codes`;
    return r && Number(r.wrong_codes);
  }

  async claim(id: string, now: string): Promise<boolean> {
    const done = await this.sql`
      UPDATE link_requests SET state = 'approving' WHERE id = ${id} AND state = 'pending' AND expires_at > ${now} RETURNING id`;
    return done.length === 1;
  }

  async release(id: string): Promise<void> {
    await this.sql`UPDATE link_requests SET state = 'pending' WHERE id = ${id} AND state = 'approving'`;
  }

  async approve(id: string, serial: string, answer: string): Promise<void> {
    await this.sql`UPDATE link_requests SET state = 'approved', serial = ${serial}, answer = ${answer} WHERE id = ${id} AND state = 'approving'`;
  }

  async refuse(id: string): Promise<boolean> {
    const done = await this.sql`UPDATE link_requests SET state = 'refused' WHERE id = ${id} AND state = 'pending' RETURNING id`;
    return done.length === 1;
  }

  async deleteExpired(before: string): Promise<number> {
    const done = await this.sql`DELETE FROM link_requests WHERE expires_at < ${before}`;
    return done.count;
  }
}
