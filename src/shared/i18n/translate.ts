// Messages from catalogues: a key, a locale, and values for the message's {placeholders}. A message
// that depends on a number is a set of plural forms chosen by Intl.PluralRules (French says
// "1 appareil", "0 appareil", "2 appareils"; English "0 devices"); numbers are written by
// Intl.NumberFormat ("1 234" in French, "1,234" in English). Dates and relative times have their
// own helpers in src/shared/format.ts, also through Intl. No library: Intl does the hard parts.
import { DEFAULT_LOCALE, type Locale } from './locale.ts';

/** The forms of a message that depends on `count`; `other` is the one every language has. */
export interface Plural {
  zero?: string;
  one?: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}

export type Message = string | Plural;
export type Catalogue = Readonly<Record<string, Message>>;
export type Params = Readonly<Record<string, string | number>>;

/** A catalogue in every language, each with exactly the keys of the English one (checked by tsc and by test/i18n.test.ts). */
export type Catalogues<C extends Catalogue> = { en: C } & Record<Exclude<Locale, 'en'>, { readonly [K in keyof C]: Message }>;

export interface Translator<K extends string = string> {
  /** The message `key` in this translator's language, its {placeholders} filled from `params`. */
  (key: K, params?: Params): string;
  readonly locale: Locale;
  /** A number as this language writes it. */
  number(n: number, options?: Intl.NumberFormatOptions): string;
}

const pluralRules = new Map<string, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function plurals(locale: Locale): Intl.PluralRules {
  let r = pluralRules.get(locale);
  if (!r) pluralRules.set(locale, (r = new Intl.PluralRules(locale)));
  return r;
}

export function formatNumber(locale: Locale, n: number, options?: Intl.NumberFormatOptions): string {
  if (options) return new Intl.NumberFormat(locale, options).format(n);
  let f = numberFormats.get(locale);
  if (!f) numberFormats.set(locale, (f = new Intl.NumberFormat(locale)));
  return f.format(n);
}

// French elides "de" and "que" before a vowel: "le certificat d’Amira", not "de Amira". A
// catalogue cannot know the name in advance, so the elision is made here, from the value. An "h" is
// left alone: whether it elides depends on the word (h muet, h aspiré).
const FRENCH_ELISION = /\b([Dd]e|[Qq]ue) \{(\w+)\}/g;
const STARTS_WITH_VOWEL = /^[aeiouyàâäéèêëîïôöùûüœæ]/i;

function elide(text: string, params: Params): string {
  return text.replace(FRENCH_ELISION, (whole, word: string, name: string) => {
    const value = params[name];
    return typeof value === 'string' && STARTS_WITH_VOWEL.test(value) ? `${word.slice(0, -1)}’{${name}}` : whole;
  });
}

/** One message with its placeholders filled: numbers as the language writes them, the rest as given. */
export function formatMessage(locale: Locale, message: Message, params: Params = {}): string {
  let text: string;
  if (typeof message === 'string') {
    text = message;
  } else {
    const count = Number(params.count ?? 0);
    const exact = count === 0 && message.zero !== undefined ? message.zero : undefined;
    text = exact ?? message[plurals(locale).select(count)] ?? message.other;
  }
  if (locale === 'fr') text = elide(text, params);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(locale, value) : value;
  });
}

/**
 * A translator over `catalogues` for `locale`. A key missing from a language (which the tests
 * forbid) falls back to English rather than showing the key.
 */
export function translator<C extends Catalogue>(catalogues: Catalogues<C>, locale: Locale): Translator<Extract<keyof C, string>> {
  const own = catalogues[locale] as Catalogue;
  const fallback = catalogues[DEFAULT_LOCALE] as Catalogue;
  const t = (key: string, params?: Params) => formatMessage(locale, own[key] ?? fallback[key] ?? key, params);
  return Object.assign(t, { locale, number: (n: number, options?: Intl.NumberFormatOptions) => formatNumber(locale, n, options) });
}
