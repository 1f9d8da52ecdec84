// The language of each request: the `lang` cookie the language menu sets, else (for a signed-in
// person without that cookie, e.g. on a new device) the account's setting, else Accept-Language.
// It is held for the request in an AsyncLocalStorage, so every page component asks `useT()` rather
// than having the language threaded through every prop.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { DEFAULT_LOCALE, directionOf, isLocale, negotiate, type Locale } from '../shared/i18n/locale.ts';
import { translator, type Translator } from '../shared/i18n/translate.ts';
import { PAGE_MESSAGES, type PageKey } from './messages/index.ts';

export const LANG_COOKIE = 'lang';

interface RequestLanguage {
  locale: Locale;
  /** Chosen by the reader (cookie), rather than guessed from their browser. */
  chosen: boolean;
  /** The URL asked for: its path and query are where the language menu brings the reader back. */
  url: string;
}

const current = new AsyncLocalStorage<RequestLanguage>();
const translators = new Map<Locale, Translator<PageKey>>();

/** Decides the request's language and keeps it for everything that runs on its behalf. */
export function requestLanguage(): MiddlewareHandler {
  return async (c, next) => {
    const cookie = getCookie(c, LANG_COOKIE);
    // The URL is parsed only by the pages that draw the language menu (requestPath), not for every API call.
    const url = c.req.url;
    const lang: RequestLanguage = isLocale(cookie) ? { locale: cookie, chosen: true, url } : { locale: negotiate(c.req.header('accept-language')), chosen: false, url };
    await current.run(lang, next);
    // Pages and error messages differ by language: a cache must not hand one reader's French to
    // another. Files (assets, certificates, CRLs, OCSP answers) are the same for everyone and keep
    // their caching whole.
    // On the response's own headers: c.header() after the route has answered rebuilds the answer
    // around a stream of its body, which @hono/node-server then writes chunk by chunk (a tenth of a
    // message's time on the event loop) instead of as the string it was.
    const headers = c.res.headers;
    if (/^(text\/html|application\/json)/.test(headers.get('content-type') ?? '')) {
      headers.append('Vary', 'Accept-Language, Cookie');
      headers.set('Content-Language', lang.locale);
    }
  };
}

/** The path and query of this request (for the language menu's way back). */
export function requestPath(): string {
  const lang = current.getStore();
  if (!lang) return '/';
  const url = new URL(lang.url);
  return url.pathname + url.search;
}

/** This request's language. */
export function requestLocale(): Locale {
  return current.getStore()?.locale ?? DEFAULT_LOCALE;
}

/**
 * The signed-in person's own setting wins over their browser's guess (a new device, a cleared
 * cookie), never over a choice made in this browser.
 */
export function preferAccountLocale(locale: Locale | undefined): void {
  const lang = current.getStore();
  if (lang && !lang.chosen && locale) lang.locale = locale;
}

/** The page text translator for this request's language. */
export function useT(): Translator<PageKey> {
  const locale = requestLocale();
  let t = translators.get(locale);
  if (!t) translators.set(locale, (t = translator(PAGE_MESSAGES, locale)));
  return t;
}

/** `<html lang dir>` for this request. */
export function htmlLanguage(): { lang: Locale; dir: 'ltr' | 'rtl' } {
  const locale = requestLocale();
  return { lang: locale, dir: directionOf(locale) };
}
