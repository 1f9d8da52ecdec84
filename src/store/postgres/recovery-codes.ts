// PostgreSQL adapter of the recovery-code store (src/auth/recovery-codes.ts), over recovery_codes
// (schema.ts migration 3): one row per login, the code only as its SHA-256, as on SQLite.
import type { RecoveryCodeStore, StoredRecoveryCode } from '../../auth/recovery-codes.ts';
import type { Sql } from './connect.ts';

interface Row {
  login: string;
  code_hash: string;
  created_at: string;
  expires_at: string;
  resets_password: boolean;
}

export class PostgresRecoveryCodes implements RecoveryCodeStore {
  private readonly sql: Sql;
  constructor(sql: Sql) {
    this.sql = sql;
  }

  async put(c: StoredRecoveryCode): Promise<void> {
    await this.sql`
      INSERT INTO recovery_codes (login, code_hash, created_at, expires_at, resets_password)
      VALUES (${c.login}, ${c.codeHash}, ${c.createdAt}, ${c.expiresAt}, ${c.resetsPassword})
      ON CONFLICT (login) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at,
        expires_at = excluded.expires_at, resets_password = excluded.resets_password`;
  }

  async get(login: string): Promise<StoredRecoveryCode | undefined> {
    const [r] = await this.sql<Row[]>`SELECT * FROM recovery_codes WHERE login = ${login}`;
    return r && { login: r.login, codeHash: r.code_hash, createdAt: r.created_at, expiresAt: r.expires_at, resetsPassword: r.resets_password };
  }

  async take(login: string, codeHash: string, now: string): Promise<boolean> {
    // One statement: of two instances deleting the row at once, the second waits for the first to
    // commit, finds the row gone and deletes nothing. ISO times compare as text (COLLATE "C").
    const done = await this.sql`
      DELETE FROM recovery_codes WHERE login = ${login} AND code_hash = ${codeHash} AND expires_at > ${now} RETURNING login`;
    return done.length === 1;
  }
}
