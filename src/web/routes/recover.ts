// Extension: POST /api/v1/certificate/recover, no session, JSON or a form like enrollment. A login,
// its password and an operator's one-time recovery code buy a certificate for a new key.
import { Hono } from 'hono';
import { RECOVER_FIELDS, recoverRequestSchema } from '../../protocol/recovery.ts';
import type { Recovery } from '../../usecases/recovery.ts';
import type { RateLimiter } from '../../auth/rate-limit.ts';
import { readJsonOrForm } from '../body.ts';
import { clientAddress, requestOrigin } from '../client-address.ts';
import { enforce, limit } from '../rate-limit.ts';
import { validBody } from '../validate.ts';

export interface RecoverRouteDeps {
  recovery: Recovery;
  perAddress: RateLimiter;
  /** Per login whatever the address, like login: spreading guesses over addresses does not help. */
  perLogin: RateLimiter;
}

export function recoverRoutes(d: RecoverRouteDeps): Hono {
  const app = new Hono();
  const body = validBody(recoverRequestSchema, { read: readJsonOrForm, fields: RECOVER_FIELDS });
  app.post('/certificate/recover', limit(d.perAddress, clientAddress), body, async (c) => {
    const req = c.req.valid('json');
    await enforce(c, [d.perLogin, req.login.toLowerCase()]);
    const issued = await d.recovery.recover(req, requestOrigin(c));
    c.header('cache-control', 'no-store');
    return c.json(issued, 201);
  });
  return app;
}
