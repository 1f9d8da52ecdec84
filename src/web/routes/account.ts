// The account (an extension, docs/protocol.md): changing one's password.
import { Hono, type MiddlewareHandler } from 'hono';
import { PASSWORD_CHANGE_FIELDS, passwordChangeSchema, type ActivityResponse, type PasswordChangeResponse } from '../../protocol/account.ts';
import type { PasswordChange } from '../../auth/password-change.ts';
import type { RateLimiter } from '../../auth/rate-limit.ts';
import type { AuthEnv } from '../auth.ts';
import { limit } from '../rate-limit.ts';
import { validBody } from '../validate.ts';
import type { Activity } from '../../auth/activity.ts';
import { requestOrigin } from '../client-address.ts';

export interface AccountRouteDeps {
  passwords: PasswordChange;
  activity: Activity;
  /** The login's password guesses: shared with login, since a wrong current password is one too. */
  perLogin: RateLimiter;
  auth: MiddlewareHandler<AuthEnv>;
}

export function accountRoutes(d: AccountRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const perLogin = limit<AuthEnv>(d.perLogin, (c) => c.get('session').login.toLowerCase());
  const body = validBody(passwordChangeSchema, { fields: PASSWORD_CHANGE_FIELDS });
  app.post('/account/password', d.auth, perLogin, body, async (c) => {
    const session = c.get('session');
    const { sessionsEnded } = await d.passwords.change(session.login, c.get('token'), c.req.valid('json'), requestOrigin(c));
    c.header('cache-control', 'no-store');
    return c.json({ changed: true, sessionsEnded } satisfies PasswordChangeResponse);
  });

  // The caller's security activity, newest first (docs/protocol.md, "Your security activity").
  app.get('/account/activity', d.auth, async (c) => {
    c.header('cache-control', 'no-store');
    return c.json({ events: await d.activity.recent(c.get('session').login) } satisfies ActivityResponse);
  });
  return app;
}
