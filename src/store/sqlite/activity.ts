// SQLite adapter of the security activity (src/auth/activity.ts): one row per event, trimmed to the
// newest `keep` per login as each is added, so someone flooding a login with refused attempts
// (at most the login rate limit, 10 a minute by default) cannot grow the table without bound.
import type { ActivityStore } from '../../auth/activity.ts';
import type { ActivityEntry } from '../../protocol/account.ts';
import { migrate, prepared, transaction, type Db } from './sqlite.ts';

const SCHEMA = [
  `CREATE TABLE activity (
     id INTEGER PRIMARY KEY,
     login TEXT NOT NULL,
     entry TEXT NOT NULL
   );
   CREATE INDEX activity_login ON activity (login, id);`,
];

export class SqliteActivity implements ActivityStore {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
    migrate(db, 'activity', SCHEMA);
  }

  async add(login: string, entry: ActivityEntry, keep: number): Promise<void> {
    const write = () => {
      prepared(this.db, 'INSERT INTO activity (login, entry) VALUES (?, ?)').run(login, JSON.stringify(entry));
      prepared(
        this.db,
        `DELETE FROM activity WHERE login = ?1 AND id <= (SELECT id FROM activity WHERE login = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)`,
      ).run(login, keep);
    };
    // Inside a caller's transaction (a revocation recorded as it commits) the rows join it.
    if (this.db.isTransaction) write();
    else transaction(this.db, write);
  }

  async recent(login: string, limit: number): Promise<ActivityEntry[]> {
    const rows = prepared(this.db, 'SELECT entry FROM activity WHERE login = ? ORDER BY id DESC LIMIT ?').all(login, limit) as { entry: string }[];
    return rows.map((r) => JSON.parse(r.entry) as ActivityEntry);
  }
}
