// PostgreSQL adapter of each person's own settings (src/directory/settings.ts), as
// src/store/sqlite/settings.ts: the latest choice wins, and an unknown value reads as none. Each
// statement commits with synchronous_commit on, so an answered write is already durable.
import type { SettingsStore } from '../../directory/settings.ts';
import { isLocale, type Locale } from '../../shared/i18n/locale.ts';
import type { Sql } from './connect.ts';

export class PostgresSettings implements SettingsStore {
  private readonly sql: Sql;
  constructor(sql: Sql) {
    this.sql = sql;
  }
  async locale(login: string): Promise<Locale | undefined> {
    const [r] = await this.sql<{ locale: string }[]>`SELECT locale FROM user_settings WHERE login = ${login}`;
    return isLocale(r?.locale) ? r.locale : undefined;
  }
  async setLocale(login: string, locale: Locale): Promise<void> {
    await this.sql`INSERT INTO user_settings (login, locale) VALUES (${login}, ${locale}) ON CONFLICT (login) DO UPDATE SET locale = excluded.locale`;
  }
}
