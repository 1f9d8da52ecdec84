// Protocol §4: the directory, for logged-in users.
import { Hono } from 'hono';
import type { Roster } from '../../usecases/roster.ts';
import type { Devices } from '../../usecases/devices.ts';
import { DomainError } from '../../protocol/errors.ts';
import { toPem } from '../../pki/x509.ts';
import type { MiddlewareHandler } from 'hono';
import type { AuthEnv } from '../auth.ts';
import { errorText } from '../../protocol/error-messages.ts';


export function userRoutes(roster: Roster, devices: Devices, auth: MiddlewareHandler<AuthEnv>): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.use('/users', auth);
  app.use('/users/*', auth);

  app.get('/users', async (c) => c.json(await roster.list()));

  // PEM by default (protocol §4); with Accept: application/json, the certificate's standing too.
  app.get('/users/:login/certificate', async (c) => {
    const cert = await roster.certificate(c.req.param('login'));
    if (!cert) throw new DomainError('not_found', errorText('error.user.unknown', { login: c.req.param('login') }));
    c.header('x-certificate-status', cert.status);
    c.header('x-certificate-not-after', cert.notAfter);
    if ((c.req.header('accept') ?? '').includes('application/json')) {
      const { der, ...rest } = cert;
      return c.json({ ...rest, certificate: toPem(der) });
    }
    return c.body(toPem(cert.der), 200, { 'content-type': 'application/x-pem-file' });
  });

  // Protocol §6: every current certificate, one per device: what a sender wraps a message key for.
  app.get('/users/:login/certificates', async (c) => {
    const login = c.req.param('login');
    const list = await devices.certificates(login);
    if (!list.length) throw new DomainError('not_found', errorText('error.user.noCertificate', { login }));
    return c.json(list);
  });
  return app;
}
