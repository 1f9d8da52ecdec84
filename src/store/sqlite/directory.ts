// The zero-set-up directory: users in the data directory's SQLite database, next to the CA records.
import { durable, migrate, prepared, type Db } from './sqlite.ts';
import type { Directory, DirectoryUser, Registration, UniqueField } from '../../directory/directory.ts';
import { registerInOrder } from '../../directory/registration.ts';
import { ReadCache } from './read-cache.ts';
import { userOf as fromRow, type UserRow as Row } from '../rows.ts';

const SCHEMA = [
  `CREATE TABLE users (
     login TEXT PRIMARY KEY,
     card_number TEXT NOT NULL UNIQUE,
     first_name TEXT NOT NULL,
     last_name TEXT NOT NULL,
     email TEXT NOT NULL,
     email_key TEXT NOT NULL UNIQUE,
     password_hash TEXT NOT NULL,
     certificate BLOB NOT NULL,
     created_at TEXT NOT NULL
   );`,
];

export class EmbeddedDirectory implements Directory {
  readonly kind = 'embedded' as const;
  private readonly db: Db;
  /** Each message looks up its sender and its recipient. */
  private readonly cache: ReadCache<DirectoryUser>;

  constructor(db: Db) {
    this.db = db;
    migrate(db, 'users', SCHEMA);
    this.cache = new ReadCache(db, 'users');
  }

  async get(login: string) {
    return this.cache.get(login, () => {
      const row = prepared(this.db, 'SELECT * FROM users WHERE login = ?').get(login) as Row | undefined;
      return row && fromRow(row);
    });
  }

  async list() {
    return (prepared(this.db, 'SELECT * FROM users ORDER BY login').all() as unknown as Row[]).map(fromRow);
  }

  async findConflicts(u: Pick<DirectoryUser, UniqueField>): Promise<UniqueField[]> {
    const q = (sql: string, v: string) => prepared(this.db, sql).get(v) !== undefined;
    const taken: UniqueField[] = [];
    if (q('SELECT 1 FROM users WHERE login = ?', u.login)) taken.push('login');
    if (q('SELECT 1 FROM users WHERE email_key = ?', u.email.toLowerCase())) taken.push('email');
    if (q('SELECT 1 FROM users WHERE card_number = ?', u.cardNumber)) taken.push('cardNumber');
    return taken;
  }

  async register(r: Registration): Promise<void> {
    const u = r.user;
    try {
      await registerInOrder(r, {
        insert: async () => {
          prepared(
            this.db,
            `INSERT INTO users (login, card_number, first_name, last_name, email, email_key, password_hash, certificate, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(u.login, u.cardNumber, u.firstName, u.lastName, u.email, u.email.toLowerCase(), u.passwordHash, u.certificate, u.createdAt);
        },
        remove: async () => {
          prepared(this.db, 'DELETE FROM users WHERE login = ? AND certificate = ?').run(u.login, u.certificate);
        },
        conflictOf: (err) => {
          const m = /UNIQUE constraint failed: users\.(\w+)/.exec((err as Error).message);
          return m ? (m[1] === 'login' ? 'login' : m[1] === 'card_number' ? 'cardNumber' : 'email') : undefined;
        },
      });
    } finally {
      this.cache.changed();
    }
    // The answer hands out a certificate: it must not outlive the record of it, even on a power cut.
    await durable(this.db);
  }

  async setCertificate(login: string, der: Uint8Array): Promise<void> {
    prepared(this.db, 'UPDATE users SET certificate = ? WHERE login = ?').run(der, login);
    this.cache.changed();
    await durable(this.db);
  }

  async setPasswordHash(login: string, passwordHash: string): Promise<void> {
    prepared(this.db, 'UPDATE users SET password_hash = ? WHERE login = ?').run(passwordHash, login);
    this.cache.changed();
    await durable(this.db);
  }

  async close(): Promise<void> {}
}
