// PostgreSQL adapter of the last-seen times (src/chat/presence.ts), as src/store/sqlite/last-seen.ts:
// the latest write wins, as there.
import type { LastSeenStore } from '../../chat/presence.ts';
import type { Sql } from './connect.ts';

export class PostgresLastSeen implements LastSeenStore {
  private readonly sql: Sql;
  constructor(sql: Sql) {
    this.sql = sql;
  }
  async get(login: string): Promise<string | undefined> {
    const [r] = await this.sql<{ at: string }[]>`SELECT at FROM last_seen WHERE login = ${login}`;
    return r?.at;
  }
  async all(): Promise<Map<string, string>> {
    const rows = await this.sql<{ login: string; at: string }[]>`SELECT login, at FROM last_seen`;
    return new Map(rows.map((r) => [r.login, r.at]));
  }
  async set(login: string, at: string): Promise<void> {
    await this.sql`INSERT INTO last_seen (login, at) VALUES (${login}, ${at}) ON CONFLICT (login) DO UPDATE SET at = excluded.at`;
  }
}
