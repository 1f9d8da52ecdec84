// SQLite adapter of the recovery-code store (src/auth/recovery.ts): one row per login, the code
// only as its SHA-256.
import type { RecoveryCodeStore, StoredRecoveryCode } from '../../auth/recovery-codes.ts';
import { migrate, prepared, type Db } from './sqlite.ts';

const SCHEMA = [
  `CREATE TABLE recovery_codes (
     login TEXT PRIMARY KEY,
     code_hash TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );`,
  // A code may also let its holder choose a new password (admin recovery-code --reset-password).
  `ALTER TABLE recovery_codes ADD COLUMN resets_password INTEGER NOT NULL DEFAULT 0;`,
];

interface Row {
  login: string;
  code_hash: string;
  created_at: string;
  expires_at: string;
  resets_password: number;
}

export class SqliteRecoveryCodes implements RecoveryCodeStore {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
    migrate(db, 'recovery_codes', SCHEMA);
  }

  async put(c: StoredRecoveryCode): Promise<void> {
    prepared(
      this.db,
      `INSERT INTO recovery_codes (login, code_hash, created_at, expires_at, resets_password) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(login) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at, expires_at = excluded.expires_at,
         resets_password = excluded.resets_password`,
    ).run(c.login, c.codeHash, c.createdAt, c.expiresAt, c.resetsPassword ? 1 : 0);
  }

  async get(login: string): Promise<StoredRecoveryCode | undefined> {
    const r = prepared(this.db, 'SELECT * FROM recovery_codes WHERE login = ?').get(login) as Row | undefined;
    return r && { login: r.login, codeHash: r.code_hash, createdAt: r.created_at, expiresAt: r.expires_at, resetsPassword: Number(r.resets_password) === 1 };
  }

  async take(login: string, codeHash: string, now: string): Promise<boolean> {
    // One statement: SQLite runs it atomically, also against another process on the same file.
    const done = prepared(this.db, 'DELETE FROM recovery_codes WHERE login = ? AND code_hash = ? AND expires_at > ?').run(login, codeHash, now);
    return Number(done.changes) === 1;
  }
}
