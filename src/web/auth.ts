// Who is calling: a session token from `Authorization: Bearer …` or the HttpOnly session cookie.
import type { Context, MiddlewareHandler } from 'hono';
import { DomainError } from '../protocol/errors.ts';
import { SESSION_COOKIE } from '../protocol/session.ts';
import { requestCookie, requestHeader } from './request-header.ts';
import type { SessionRecord, Sessions } from '../auth/sessions.ts';
import { errorText } from '../protocol/error-messages.ts';

export type AuthEnv = { Variables: { session: SessionRecord; token: string } };

export function presentedToken(c: Context): string | undefined {
  const auth = requestHeader(c, 'authorization');
  const m = auth && /^Bearer\s+([A-Za-z0-9_-]{16,128})\s*$/i.exec(auth);
  if (m) return m[1];
  return requestCookie(c, SESSION_COOKIE) || undefined;
}

/**
 * `stillValid` is asked on every request so that a session opened with a certificate revoked
 * since (by its owner or by the operator, from any process) stops working at once.
 */
export function requireSession(sessions: Sessions, stillValid: (s: SessionRecord) => Promise<boolean> = async () => true): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const token = presentedToken(c);
    const session = token ? await sessions.find(token) : undefined;
    if (!token || !session) {
      throw new DomainError('unauthorized', errorText('error.session.required'));
    }
    if (!(await stillValid(session))) {
      await sessions.close(token);
      throw new DomainError('unauthorized', errorText('error.session.revoked'));
    }
    c.set('session', session);
    c.set('token', token);
    // Whatever a session's route answers is that person's: no cache may keep it past their logout.
    c.header('cache-control', 'no-store');
    await next();
  };
}

/**
 * The session the request carries, if any and valid, by the same check as `auth` (a page that
 * serves everyone but says more to a signed-in person); undefined rather than 401 without one.
 */
export async function sessionIfAny(auth: MiddlewareHandler<AuthEnv>, c: Context<AuthEnv>): Promise<SessionRecord | undefined> {
  try {
    await auth(c, async () => {});
  } catch (err) {
    if (err instanceof DomainError && err.code === 'unauthorized') return undefined;
    throw err;
  }
  return c.get('session');
}
