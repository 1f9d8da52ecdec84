// PostgreSQL adapter of the security activity (src/auth/activity.ts), as src/store/sqlite/activity.ts:
// one row per event, trimmed to the newest `keep` per login as each is added, so a flood of refused
// logins cannot grow the table without bound.
//
// Additions for one login queue on a transaction-level advisory lock of that login: otherwise each
// of several concurrent transactions (two instances, or one pool's connections) would trim within
// what it sees, its own row and the committed ones, and together they would leave keep plus one per
// concurrent writer.
import type { ActivityStore } from '../../auth/activity.ts';
import type { ActivityEntry } from '../../protocol/account.ts';
import type { Sql } from './connect.ts';

/**
 * The first half of the two-key advisory lock (the second is the login's hash), "teku" in ASCII:
 * two-key locks are a key space apart from the one-key ones the migrations and messages take.
 */
export const ACTIVITY_LOCK = 0x74656b75;

export class PostgresActivity implements ActivityStore {
  private readonly sql: Sql;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  async add(login: string, entry: ActivityEntry, keep: number): Promise<void> {
    // Pipelined in one transaction: the row and the trim commit together or not at all. Two logins
    // whose hashes collide only wait for each other.
    await this.sql.begin((tx) => [
      tx`SELECT pg_advisory_xact_lock(${ACTIVITY_LOCK}, hashtext(${login}))`,
      tx`INSERT INTO activity (login, entry) VALUES (${login}, ${JSON.stringify(entry)})`,
      tx`DELETE FROM activity WHERE login = ${login}
           AND id <= (SELECT id FROM activity WHERE login = ${login} ORDER BY id DESC LIMIT 1 OFFSET ${keep})`,
    ]);
  }

  async recent(login: string, limit: number): Promise<ActivityEntry[]> {
    const rows = await this.sql<{ entry: string }[]>`SELECT entry FROM activity WHERE login = ${login} ORDER BY id DESC LIMIT ${limit}`;
    return rows.map((r) => JSON.parse(r.entry) as ActivityEntry);
  }
}
