// SQLite adapter of the last-seen times (src/chat/presence.ts).
import type { LastSeenStore } from '../../chat/presence.ts';
import { migrate, prepared, type Db } from './sqlite.ts';

export class SqliteLastSeen implements LastSeenStore {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
    migrate(db, 'last_seen', ['CREATE TABLE last_seen (login TEXT PRIMARY KEY, at TEXT NOT NULL);']);
  }
  async get(login: string): Promise<string | undefined> {
    return (prepared(this.db, 'SELECT at FROM last_seen WHERE login = ?').get(login) as { at: string } | undefined)?.at;
  }
  async all(): Promise<Map<string, string>> {
    const rows = prepared(this.db, 'SELECT login, at FROM last_seen').all() as { login: string; at: string }[];
    return new Map(rows.map((r) => [r.login, r.at]));
  }
  async set(login: string, at: string): Promise<void> {
    prepared(this.db, 'INSERT INTO last_seen (login, at) VALUES (?, ?) ON CONFLICT(login) DO UPDATE SET at = excluded.at').run(login, at);
  }
}
