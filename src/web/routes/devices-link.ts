// Protocol §6, linking a new device: the new device asks (no session) and collects its certificate
// with its secret; a device already logged in lists, approves or refuses the requests. The paths
// sit under /devices/link and /devices/requests, apart from /devices/{serial} (src/web/routes/devices.ts).
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { DomainError } from '../../protocol/errors.ts';
import { LINK_REQUEST_FIELDS, linkApproveSchema, linkRequestParam, linkRequestSchema } from '../../protocol/device-link.ts';
import type { DeviceLink } from '../../usecases/device-link.ts';
import type { RateLimiter } from '../../auth/rate-limit.ts';
import type { AuthEnv } from '../auth.ts';
import { clientAddress, requestOrigin } from '../client-address.ts';
import { enforce, limit } from '../rate-limit.ts';
import { requestHeader } from '../request-header.ts';
import { validBody, validParam } from '../validate.ts';
import { errorText } from '../../protocol/error-messages.ts';

export interface DeviceLinkRouteDeps {
  links: DeviceLink;
  auth: MiddlewareHandler<AuthEnv>;
  /** Per address, as login: a request carries a password guess. */
  perAddress: RateLimiter;
  /** The login's password guesses, shared with login: a wrong password here is one too. */
  passwordGuesses: RateLimiter;
  /** Approvals per login (codes typed), whatever the request. */
  approvalsPerLogin: RateLimiter;
  /** The new device's polls for its certificate, per address. */
  pollsPerAddress: RateLimiter;
}

/** The new device's secret from `Authorization: Bearer SECRET`. */
function presentedSecret(c: Context): string {
  const m = /^Bearer\s+([A-Za-z0-9_-]{1,128})\s*$/i.exec(requestHeader(c, 'authorization') ?? '');
  if (!m) throw new DomainError('unauthorized', errorText('error.link.secret'));
  return m[1];
}

export function deviceLinkRoutes(d: DeviceLinkRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const request = validParam(linkRequestParam);

  // 1. The new device asks (no session): the password and the CSR are checked, nothing is issued.
  const body = validBody(linkRequestSchema, { fields: LINK_REQUEST_FIELDS });
  app.post('/devices/link', limit(d.perAddress, clientAddress), body, async (c) => {
    const req = c.req.valid('json');
    // The schema has lowercased the login: counted under the same key as login's guesses.
    await enforce(c, [d.passwordGuesses, req.login]);
    const answer = await d.links.request(req, requestOrigin(c));
    c.header('cache-control', 'no-store');
    return c.json(answer, 202);
  });

  // 4. The new device collects its certificate with its secret.
  app.get('/devices/link/:request', limit(d.pollsPerAddress, clientAddress), request, async (c) => {
    const secret = presentedSecret(c);
    const { status, body } = await d.links.collect(c.req.valid('param').request, secret);
    c.header('cache-control', 'no-store');
    return c.json(body, status);
  });

  // 2. The requests waiting on the caller's approval.
  app.get('/devices/requests', d.auth, async (c) => c.json(await d.links.pending(c.get('session').login)));

  // 3. Approve with the code the new device shows, or refuse.
  const perLogin = limit<AuthEnv>(d.approvalsPerLogin, (c) => c.get('session').login);
  const code = validBody(linkApproveSchema, { fields: ['code'], param: linkRequestParam });
  app.post('/devices/requests/:request/approve', d.auth, perLogin, code, async (c) => {
    const approved = await d.links.approve(c.get('session').login, c.req.valid('param').request, c.req.valid('json').code, requestOrigin(c));
    return c.json(approved, 201);
  });

  app.delete('/devices/requests/:request', d.auth, request, async (c) => {
    await d.links.refuse(c.get('session').login, c.req.valid('param').request, requestOrigin(c));
    return c.body(null, 204);
  });

  return app;
}
