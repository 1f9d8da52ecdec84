// The embedded directory on PostgreSQL (protocol §9 `--database-url`): users in the users table of
// schema.ts migration 1, answering as src/store/sqlite/directory.ts does. Still the 'embedded'
// kind: the server keeps the users itself, as opposed to an LDAP directory it only consults.
//
// Another instance may change a password or a certificate at any time: a user read by login is
// kept in memory only while PostgreSQL's announcements are followed (row-cache.ts).
import type { Directory, DirectoryUser, Registration, UniqueField } from '../../directory/directory.ts';
import { registerInOrder } from '../../directory/registration.ts';
import type { Sql } from './connect.ts';
import { CONSTRAINTS } from './schema.ts';
import { userOf as fromRow, type UserRow as Row } from '../rows.ts';
import { RowCache } from './row-cache.ts';
import type { RowChanges } from './row-changes.ts';

/** Which unique field a failed INSERT collided on, from the constraint PostgreSQL names. */
const FIELD_OF_CONSTRAINT: Record<string, UniqueField> = {
  [CONSTRAINTS.userLogin]: 'login',
  [CONSTRAINTS.userEmail]: 'email',
  [CONSTRAINTS.userCardNumber]: 'cardNumber',
};

function conflictField(err: unknown): UniqueField | undefined {
  const e = err as { code?: string; constraint_name?: string };
  return e?.code === '23505' && e.constraint_name ? FIELD_OF_CONSTRAINT[e.constraint_name] : undefined;
}

export class PostgresDirectory implements Directory {
  readonly kind = 'embedded' as const;
  private readonly sql: Sql;
  private readonly cache: RowCache<DirectoryUser> | undefined;

  /**
   * The pool is the caller's (openPostgres), already migrated; closing it is the caller's too.
   * Without `changes` every read goes to the database.
   */
  constructor(sql: Sql, changes?: RowChanges) {
    this.sql = sql;
    this.cache = changes && new RowCache(changes, 'users');
  }

  async get(login: string): Promise<DirectoryUser | undefined> {
    const load = async () => {
      const [row] = await this.sql<Row[]>`SELECT * FROM users WHERE login = ${login}`;
      return row && fromRow(row);
    };
    return this.cache ? this.cache.get(login, load) : load();
  }

  async list(): Promise<DirectoryUser[]> {
    // login is COLLATE "C": the byte order SQLite lists them in.
    return (await this.sql<Row[]>`SELECT * FROM users ORDER BY login`).map(fromRow);
  }

  async findConflicts(u: Pick<DirectoryUser, UniqueField>): Promise<UniqueField[]> {
    // One round trip for the three questions; each is answered by its own unique index.
    const emailKey = u.email.toLowerCase();
    const [r] = await this.sql<{ login: boolean; email: boolean; card: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM users WHERE login = ${u.login}) AS login,
             EXISTS (SELECT 1 FROM users WHERE email_key = ${emailKey}) AS email,
             EXISTS (SELECT 1 FROM users WHERE card_number = ${u.cardNumber}) AS card`;
    const taken: UniqueField[] = [];
    if (r.login) taken.push('login');
    if (r.email) taken.push('email');
    if (r.card) taken.push('cardNumber');
    return taken;
  }

  async register(r: Registration): Promise<void> {
    const u = r.user;
    await registerInOrder(r, {
      insert: async () => {
        await this.sql`
          INSERT INTO users (login, card_number, first_name, last_name, email, email_key, password_hash, certificate, created_at)
          VALUES (${u.login}, ${u.cardNumber}, ${u.firstName}, ${u.lastName}, ${u.email}, ${u.email.toLowerCase()}, ${u.passwordHash},
                  ${u.certificate}, ${u.createdAt})`;
        this.cache?.forget(u.login);
      },
      remove: async () => {
        await this.sql`DELETE FROM users WHERE login = ${u.login} AND certificate = ${u.certificate}`;
        this.cache?.forget(u.login);
      },
      // Registrations on any instances race to the same UNIQUE constraints.
      conflictOf: conflictField,
    });
    // Each statement committed on its own, durably under the default synchronous_commit: the
    // certificate handed out cannot outlive the record of it.
  }

  async setCertificate(login: string, der: Uint8Array): Promise<void> {
    await this.sql`UPDATE users SET certificate = ${der} WHERE login = ${login}`;
    this.cache?.forget(login);
  }

  async setPasswordHash(login: string, passwordHash: string): Promise<void> {
    await this.sql`UPDATE users SET password_hash = ${passwordHash} WHERE login = ${login}`;
    this.cache?.forget(login);
  }

  /** Nothing of its own to close: the pool belongs to whoever opened it. */
  async close(): Promise<void> {}
}
