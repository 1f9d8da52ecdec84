// In-memory fake of each person's own settings (src/directory/settings.ts), as
// src/store/sqlite/settings.ts: one language per login, the latest set.
import type { SettingsStore } from '../../src/directory/settings.ts';
import type { Locale } from '../../src/shared/i18n/locale.ts';

export class FakeSettings implements SettingsStore {
  private readonly locales = new Map<string, Locale>();
  async locale(login: string): Promise<Locale | undefined> {
    return this.locales.get(login);
  }
  async setLocale(login: string, locale: Locale): Promise<void> {
    this.locales.set(login, locale);
  }
}
