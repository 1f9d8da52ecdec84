// POST /language: the language menu's form. The choice is kept in a cookie for a year (so it holds
// before any login and on the login page itself) and, for a signed-in person, in their settings,
// so their other devices and a cleared cookie come back to it. Then back to the page they were on.
import { Hono, type MiddlewareHandler } from 'hono';
import { setCookie } from 'hono/cookie';
import * as v from 'valibot';
import { LOCALES } from '../../shared/i18n/locale.ts';
import type { SettingsStore } from '../../directory/settings.ts';
import { englishText } from '../../protocol/error-messages.ts';
import { sessionIfAny, type AuthEnv } from '../auth.ts';
import { readJsonOrForm } from '../body.ts';
import { validBody } from '../validate.ts';
import { LANG_COOKIE } from '../i18n.ts';
import { localPath } from '../local-path.ts';

export interface LanguageRouteDeps {
  settings: SettingsStore;
  auth: MiddlewareHandler<AuthEnv>;
  secureCookie: boolean;
}

const languageForm = v.object({
  locale: v.picklist(LOCALES, englishText('error.language.unknown')),
  next: v.optional(v.fallback(localPath, '/'), '/'),
});

const YEAR_S = 365 * 24 * 3600;

export function languageRoutes(d: LanguageRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.post('/language', validBody(languageForm, { read: readJsonOrForm }), async (c) => {
    const { locale, next } = c.req.valid('json');
    const login = (await sessionIfAny(d.auth, c))?.login;
    if (login) await d.settings.setLocale(login, locale);
    setCookie(c, LANG_COOKIE, locale, { path: '/', maxAge: YEAR_S, sameSite: 'Lax', httpOnly: true, secure: d.secureCookie });
    c.header('cache-control', 'no-store');
    return c.redirect(next, 303);
  });
  return app;
}
