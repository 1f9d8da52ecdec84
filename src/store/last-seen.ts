// SQLite adapter of the last-seen times (src/chat/presence.ts).
import type { LastSeenStore } from '../chat/presence.ts';
import { migrate, type Db } from './sqlite.ts';

export class SqliteLastSeen implements LastSeenStore {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
    migrate(db, 'last_seen', ['CREATE TABLE last_seen (login TEXT PRIMARY KEY, at TEXT NOT NULL);']);
  }
  get(login: string): string | undefined {
    return (this.db.prepare('SELECT at FROM last_seen WHERE login = ?').get(login) as { at: string } | undefined)?.at;
  }
  all(): Map<string, string> {
    const rows = this.db.prepare('SELECT login, at FROM last_seen').all() as { login: string; at: string }[];
    return new Map(rows.map((r) => [r.login, r.at]));
  }
  set(login: string, at: string): void {
    this.db.prepare('INSERT INTO last_seen (login, at) VALUES (?, ?) ON CONFLICT(login) DO UPDATE SET at = excluded.at').run(login, at);
  }
}
