// A person's own settings that follow them to every device, kept in our database whatever the
// directory (the embedded one or LDAP, which we only read). Today: the interface language they
// chose, so a new device or a cleared cookie still shows them their language.
import type { Locale } from '../shared/i18n/locale.ts';

export interface SettingsStore {
  /** The language `login` chose, if they ever did. */
  locale(login: string): Promise<Locale | undefined>;
  /** Remembers `login`'s language; resolves once that would survive a power cut. */
  setLocale(login: string, locale: Locale): Promise<void>;
}
