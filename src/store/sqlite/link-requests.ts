// SQLite adapter of the device-link request store (src/auth/link-requests.ts, protocol §6): one row
// per request, the code and the new device's secret only as their SHA-256. Every change of state is
// one UPDATE whose WHERE re-checks the state (and the expiry where the port says so): SQLite runs
// each statement atomically, also against another process on the same file, so of two approvers
// only one claims, and a wrong code is never counted past `failed`. Times are ISO strings compared
// as text.
import type { LinkRequest, LinkRequestStore } from '../../auth/link-requests.ts';
import { linkRequestOf as fromRow, type LinkRequestRow as Row } from '../rows.ts';
import { migrate, prepared, type Db } from './sqlite.ts';

const SCHEMA = [
  `CREATE TABLE link_requests (
     id TEXT PRIMARY KEY,
     login TEXT NOT NULL,
     device_name TEXT NOT NULL,
     csr TEXT NOT NULL,
     key_fingerprint TEXT NOT NULL,
     address TEXT NOT NULL,
     user_agent TEXT NOT NULL,
     code_hash TEXT NOT NULL,
     secret_hash TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     wrong_codes INTEGER NOT NULL DEFAULT 0,
     state TEXT NOT NULL CHECK (state IN ('pending', 'approving', 'approved', 'refused', 'failed')),
     serial TEXT,
     answer TEXT
   );
   CREATE INDEX link_requests_login ON link_requests (login, created_at);
   CREATE INDEX link_requests_expiry ON link_requests (expires_at);`,
];

export class SqliteLinkRequests implements LinkRequestStore {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
    migrate(db, 'link_requests', SCHEMA);
  }

  async create(r: LinkRequest): Promise<void> {
    prepared(
      this.db,
      `INSERT INTO link_requests (id, login, device_name, csr, key_fingerprint, address, user_agent, code_hash, secret_hash,
         created_at, expires_at, wrong_codes, state, serial, answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      r.id,
      r.login,
      r.deviceName,
      r.csr,
      r.keyFingerprint,
      r.address,
      r.userAgent,
      r.codeHash,
      r.secretHash,
      r.createdAt,
      r.expiresAt,
      r.wrongCodes,
      r.state,
      r.serial ?? null,
      r.answer ?? null,
    );
  }

  async get(id: string): Promise<LinkRequest | undefined> {
    const r = prepared(this.db, 'SELECT * FROM link_requests WHERE id = ?').get(id) as Row | undefined;
    return r && fromRow(r);
  }

  async pending(login: string, now: string): Promise<LinkRequest[]> {
    // rowid breaks ties between equal createdAt: the order they were made in.
    const rows = prepared(this.db, `SELECT * FROM link_requests WHERE login = ? AND state = 'pending' AND expires_at > ? ORDER BY created_at, rowid`).all(login, now);
    return (rows as unknown as Row[]).map(fromRow);
  }

  async wrongCode(id: string, max: number, now: string): Promise<number | undefined> {
    // The SET expressions read the row as it was before this statement: the count before this code.
    const r = prepared(
      this.db,
      `UPDATE link_requests SET wrong_codes = wrong_codes + 1, state = CASE WHEN wrong_codes + 1 >= ? THEN 'failed' ELSE state END
       WHERE id = ? AND state = 'pending' AND expires_at > ? RETURNING wrong_codes`,
    ).get(max, id, now) as { wrong_codes: number | bigint } | undefined;
    return r && Number(r.wrong_codes);
  }

  async claim(id: string, now: string): Promise<boolean> {
    const done = prepared(this.db, `UPDATE link_requests SET state = 'approving' WHERE id = ? AND state = 'pending' AND expires_at > ?`).run(id, now);
    return Number(done.changes) === 1;
  }

  async release(id: string): Promise<void> {
    prepared(this.db, `UPDATE link_requests SET state = 'pending' WHERE id = ? AND state = 'approving'`).run(id);
  }

  async approve(id: string, serial: string, answer: string): Promise<void> {
    prepared(this.db, `UPDATE link_requests SET state = 'approved', serial = ?, answer = ? WHERE id = ? AND state = 'approving'`).run(serial, answer, id);
  }

  async refuse(id: string): Promise<boolean> {
    const done = prepared(this.db, `UPDATE link_requests SET state = 'refused' WHERE id = ? AND state = 'pending'`).run(id);
    return Number(done.changes) === 1;
  }

  async deleteExpired(before: string): Promise<number> {
    return Number(prepared(this.db, 'DELETE FROM link_requests WHERE expires_at < ?').run(before).changes);
  }
}
