// The languages the interface speaks, and which one a reader gets: their own choice (a cookie, and
// for signed-in people the account's setting) first, then what their browser asks for
// (Accept-Language, RFC 9110 §12.5.4), then English. Shared by the pages, the browser script and
// the API's messages; it imports nothing.

export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Each language named in itself, as a language menu lists them. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The supported language a language tag asks for ("fr-CA" → fr), if any. */
export function localeOfTag(tag: string): Locale | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(primary) ? primary : undefined;
}

/**
 * The best supported language of an Accept-Language header: highest q first, ties in the order
 * written; "*" takes the default; q=0 refuses a language. English when nothing matches.
 */
export function negotiate(acceptLanguage: string | null | undefined): Locale {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const ranges = acceptLanguage
    .split(',')
    .slice(0, 32)
    .map((part, order) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)).find(Boolean);
      return { tag: tag.trim(), q: q ? Number(q[1]) : 1, order };
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const r of ranges) {
    if (r.tag === '*') return DEFAULT_LOCALE;
    const locale = localeOfTag(r.tag);
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}

const RIGHT_TO_LEFT = new Set(['ar', 'fa', 'he', 'ur', 'ps', 'yi', 'dv', 'ckb']);

/** The writing direction of a language, for <html dir>: ready for a right-to-left one. */
export function directionOf(locale: string): 'ltr' | 'rtl' {
  return RIGHT_TO_LEFT.has(locale.toLowerCase().split(/[-_]/)[0]) ? 'rtl' : 'ltr';
}
