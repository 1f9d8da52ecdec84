// Extension: POST /api/v1/certificate/recover, no session, JSON or a form like enrollment. A login,
// its password and an operator's one-time recovery code buy a certificate for a new key.
import { Hono } from 'hono';
import * as v from 'valibot';
import { issuesToFields } from '../../protocol/enroll.ts';
import { DomainError } from '../../protocol/errors.ts';
import { RECOVER_FIELDS, recoverRequestSchema } from '../../protocol/recovery.ts';
import type { Recovery } from '../../auth/recovery.ts';
import type { RateLimiter } from '../../auth/rate-limit.ts';
import { pickFields, readJsonOrForm } from '../body.ts';
import { clientAddress } from '../client-address.ts';
import { enforce } from '../rate-limit.ts';

export interface RecoverRouteDeps {
  recovery: Recovery;
  perAddress: RateLimiter;
  /** Per login whatever the address, like login: spreading guesses over addresses does not help. */
  perLogin: RateLimiter;
}

export function recoverRoutes(d: RecoverRouteDeps): Hono {
  const app = new Hono();
  app.post('/api/v1/certificate/recover', async (c) => {
    enforce(c, [d.perAddress, clientAddress(c)]);
    const parsed = v.safeParse(recoverRequestSchema, pickFields(await readJsonOrForm(c), RECOVER_FIELDS));
    if (!parsed.success) {
      const fields = issuesToFields(parsed.issues);
      const n = Object.keys(fields).length;
      throw new DomainError('validation', n === 1 ? 'One field needs fixing.' : `${n} fields need fixing.`, fields);
    }
    enforce(c, [d.perLogin, parsed.output.login.toLowerCase()]);
    c.header('cache-control', 'no-store');
    return c.json(await d.recovery.recover(parsed.output), 201);
  });
  return app;
}
