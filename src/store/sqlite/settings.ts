// SQLite adapter of each person's own settings (src/directory/settings.ts): one row per login that
// ever chose something. A value this version does not know (a language since removed, a row written
// by hand) reads as "never chose", so the request's language falls back to the browser's.
import type { SettingsStore } from '../../directory/settings.ts';
import { isLocale, type Locale } from '../../shared/i18n/locale.ts';
import { durable, migrate, prepared, type Db } from './sqlite.ts';

export class SqliteSettings implements SettingsStore {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
    migrate(db, 'user_settings', ['CREATE TABLE user_settings (login TEXT PRIMARY KEY, locale TEXT NOT NULL) WITHOUT ROWID;']);
  }
  async locale(login: string): Promise<Locale | undefined> {
    const row = prepared(this.db, 'SELECT locale FROM user_settings WHERE login = ?').get(login) as { locale: string } | undefined;
    return isLocale(row?.locale) ? row.locale : undefined;
  }
  async setLocale(login: string, locale: Locale): Promise<void> {
    prepared(this.db, 'INSERT INTO user_settings (login, locale) VALUES (?, ?) ON CONFLICT(login) DO UPDATE SET locale = excluded.locale').run(login, locale);
    // The person saw their choice taken: it must not come back as the old language after a power cut.
    await durable(this.db);
  }
}
