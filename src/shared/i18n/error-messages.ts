// The API's refusals in the reader's language (issue 24). The texts live in
// src/protocol/error-messages.ts (the schemas there write their field messages from them); here
// they are checked as a catalogue and said in a locale. The error codes never change: only the
// `message` and `fields` texts do, and English answers stay exactly what the domain wrote.
import { ERROR_MESSAGES, type ErrorId, type Say } from '../../protocol/error-messages.ts';
import type { ApiError } from '../../protocol/errors.ts';
import type { Locale } from './locale.ts';
import { formatMessage, type Catalogue, type Catalogues } from './translate.ts';

/** Every language has exactly the English ids (tsc refuses a missing or an extra one). */
export const errorCatalogues = ERROR_MESSAGES satisfies Catalogues<typeof ERROR_MESSAGES.en>;

/** What a refusal says, in `locale`. */
export function sayIn(locale: Locale, says: readonly Say[]): string {
  const own = errorCatalogues[locale] as Catalogue;
  return says.map((s) => formatMessage(locale, own[s.id] ?? errorCatalogues.en[s.id], s.params)).join(' ');
}

interface Pattern {
  id: ErrorId;
  names: string[];
  re: RegExp;
}

let exact: Map<string, ErrorId> | undefined;
let patterns: Pattern[] | undefined;

/** Builds, once, the look-up from English texts back to their ids. */
function index(): { exact: Map<string, ErrorId>; patterns: Pattern[] } {
  if (exact && patterns) return { exact, patterns };
  exact = new Map();
  patterns = [];
  for (const [id, message] of Object.entries(errorCatalogues.en) as [ErrorId, Catalogue[string]][]) {
    for (const form of typeof message === 'string' ? [message] : Object.values(message)) {
      if (typeof form !== 'string') continue;
      if (!/\{\w+\}/.test(form)) {
        if (!exact.has(form)) exact.set(form, id);
        continue;
      }
      const names: string[] = [];
      const source = form
        .split(/(\{\w+\})/)
        .map((part) => {
          const hole = /^\{(\w+)\}$/.exec(part);
          if (!hole) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(hole[1]);
          return '(.+?)';
        })
        .join('');
      patterns.push({ id, names, re: new RegExp(`^${source}$`, 's') });
    }
  }
  return { exact, patterns };
}

/**
 * What an English text says, by id, when it is one of the catalogue's: for texts that arrive as
 * plain strings (a schema's field messages, which valibot carries as strings).
 */
export function sayOfText(text: string): Say | undefined {
  const { exact, patterns } = index();
  const id = exact.get(text);
  if (id) return { id };
  for (const p of patterns) {
    const m = p.re.exec(text);
    if (!m) continue;
    const params: Record<string, string | number> = {};
    p.names.forEach((name, i) => (params[name] = name === 'count' ? Number(m[i + 1]) : m[i + 1]));
    return { id: p.id, params };
  }
  return undefined;
}

/** One text in `locale`: by what it says when known, else by looking its English up, else as is. */
function textIn(locale: Locale, english: string, says?: readonly Say[]): string {
  if (says) return sayIn(locale, says);
  const say = sayOfText(english);
  return say ? sayIn(locale, [say]) : english;
}

/**
 * The error body with its `message` and `fields` in `locale`; every other member as it was. English
 * is the body itself, untouched.
 */
export function localizeError(
  locale: Locale,
  body: ApiError,
  said: { says?: readonly Say[]; fieldSays?: Readonly<Record<string, readonly Say[]>> } = {},
): ApiError {
  if (locale === 'en') return body;
  const out: ApiError = { ...body, message: textIn(locale, body.message, said.says) };
  if (body.fields) out.fields = Object.fromEntries(Object.entries(body.fields).map(([k, m]) => [k, textIn(locale, m, said.fieldSays?.[k])]));
  return out;
}
