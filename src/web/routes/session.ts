// Protocol §3: challenge, login, logout; and (an extension) the list of one's sessions.
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import * as v from 'valibot';
import {
  SESSION_COOKIE,
  SESSION_ID_PATTERN,
  challengeRequestSchema,
  sessionRequestSchema,
  type ChallengeResponse,
  type SessionResponse,
  type SessionSummary,
} from '../../protocol/session.ts';
import { DomainError } from '../../protocol/errors.ts';
import type { LoginService } from '../../auth/login.ts';
import type { Challenges } from '../../auth/challenges.ts';
import { SESSION_TTL_MS, type Sessions } from '../../auth/sessions.ts';
import type { RateLimiter } from '../../auth/rate-limit.ts';
import type { AuthEnv } from '../auth.ts';
import type { MiddlewareHandler } from 'hono';
import { validBody, validParam } from '../validate.ts';
import { clientAddress, requestOrigin } from '../client-address.ts';
import { enforce, limit } from '../rate-limit.ts';
import { errorText } from '../../protocol/error-messages.ts';

const sessionIdParam = v.object({
  id: v.pipe(v.string(), v.regex(SESSION_ID_PATTERN, 'A session id is 16 hexadecimal digits, as GET /api/v1/sessions lists them.')),
});
const CHALLENGE_FIELDS = Object.keys(challengeRequestSchema.entries);
const SESSION_FIELDS = Object.keys(sessionRequestSchema.entries);

export interface SessionRouteDeps {
  login: LoginService;
  challenges: Challenges;
  sessions: Sessions;
  perAddress: RateLimiter;
  perLogin: RateLimiter;
  /** Challenges per login: looser than guesses (a person may retry), but bounded whatever the address. */
  challengesPerLogin: RateLimiter;
  secureCookie: boolean;
  auth: MiddlewareHandler<AuthEnv>;
}

export function sessionRoutes(d: SessionRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  const perAddress = limit(d.perAddress, clientAddress);

  app.post('/session/challenge', perAddress, validBody(challengeRequestSchema, { fields: CHALLENGE_FIELDS }), async (c) => {
    const { login } = c.req.valid('json');
    await enforce(c, [d.challengesPerLogin, login.toLowerCase()]);
    const { challenge, expiresAt } = await d.challenges.issue(login);
    c.header('cache-control', 'no-store');
    return c.json({ challenge, expiresAt: expiresAt.toISOString() } satisfies ChallengeResponse);
  });

  app.post('/session', perAddress, validBody(sessionRequestSchema, { fields: SESSION_FIELDS }), async (c) => {
    const req = c.req.valid('json');
    // Per login whatever the source address, so spreading guesses over addresses does not help.
    await enforce(c, [d.perLogin, req.login.toLowerCase()]);
    const s = await d.login.login(req, requestOrigin(c));
    setCookie(c, SESSION_COOKIE, s.token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: d.secureCookie,
      path: '/',
      // Max-Age, not Expires: the browser counts the session's life from its own clock, so a
      // browser whose clock is off keeps the cookie exactly as long as the server keeps the session.
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    c.header('cache-control', 'no-store');
    return c.json({ token: s.token, expiresAt: s.expiresAt.toISOString(), login: s.login } satisfies SessionResponse);
  });

  app.get('/session', d.auth, (c) => {
    const s = c.get('session');
    return c.json({ login: s.login, expiresAt: s.expiresAt, certificateSerial: s.certSerial });
  });

  app.delete('/session', d.auth, async (c) => {
    await d.sessions.close(c.get('token'));
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: d.secureCookie, httpOnly: true, sameSite: 'Strict' });
    return c.body(null, 204);
  });

  app.get('/sessions', d.auth, async (c) => {
    c.header('cache-control', 'no-store');
    return c.json(await d.sessions.list(c.get('session').login, c.get('token')) satisfies SessionSummary[]);
  });

  const sessionId = validParam(sessionIdParam, (fields) => new DomainError('validation', fields.id, fields));
  app.delete('/sessions/:id', d.auth, sessionId, async (c) => {
    if (!(await d.sessions.closeById(c.get('session').login, c.req.valid('param').id))) {
      throw new DomainError('not_found', errorText('error.session.notFound'));
    }
    return c.body(null, 204);
  });

  return app;
}
