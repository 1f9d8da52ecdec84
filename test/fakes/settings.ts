// In-memory fake of each person's own settings (src/directory/settings.ts), as
// src/store/sqlite/settings.ts: one language per login, the latest set; what is held is read back
// only if it is a language this version speaks, as the adapters read their column.
import type { SettingsStore } from '../../src/directory/settings.ts';
import { isLocale, type Locale } from '../../src/shared/i18n/locale.ts';

export class FakeSettings implements SettingsStore {
  private readonly locales = new Map<string, string>();
  async locale(login: string): Promise<Locale | undefined> {
    const held = this.locales.get(login);
    return isLocale(held) ? held : undefined;
  }
  async setLocale(login: string, locale: Locale): Promise<void> {
    this.locales.set(login, locale);
  }
  /** What another version might have stored: for the contract's test of a language it does not know. */
  storeAsIs(login: string, value: string): void {
    this.locales.set(login, value);
  }
}
