// The browser script's words, in the language the server rendered the page in (<html lang>), so the
// script and the page always agree. Times and numbers follow the same language (src/shared/format.ts).
import { DEFAULT_LOCALE, isLocale, type Locale } from '../shared/i18n/locale.ts';
import { translator, type Params, type Translator } from '../shared/i18n/translate.ts';
import { CLIENT_MESSAGES, type ClientKey } from './messages/index.ts';

export function pageLocale(): Locale {
  const lang = typeof document === 'undefined' ? undefined : document.documentElement.lang;
  return isLocale(lang) ? lang : DEFAULT_LOCALE;
}

let current: Translator<ClientKey> | undefined;

/** The message `key` in the page's language. */
export function t(key: ClientKey, params?: Params): string {
  if (!current || current.locale !== pageLocale()) current = translator(CLIENT_MESSAGES, pageLocale());
  return current(key, params);
}

/** A number as the page's language writes it. */
export function num(n: number, options?: Intl.NumberFormatOptions): string {
  return translator(CLIENT_MESSAGES, pageLocale()).number(n, options);
}
