// Protocol §6: the caller's devices. Anyone's current certificates are in users.ts (the directory);
// linking a new device has its own routes (devices-link.ts).
import { Hono, type MiddlewareHandler } from 'hono';
import { DomainError } from '../../protocol/errors.ts';
import { serialParamSchema } from '../../protocol/devices.ts';
import { deviceRevokeSchema } from '../../protocol/certificate.ts';
import type { Devices } from '../../usecases/devices.ts';
import type { AuthEnv } from '../auth.ts';
import { validBody } from '../validate.ts';
import { requestOrigin } from '../client-address.ts';
import { readJsonBody } from '../body.ts';
import { requestHeader } from '../request-header.ts';
import { errorText } from '../../protocol/error-messages.ts';

/** The reason is optional, and so is the body: a bare DELETE retires the device. */
async function optionalJson(c: Parameters<typeof readJsonBody>[0]): Promise<unknown> {
  const length = requestHeader(c, 'content-length');
  if (!requestHeader(c, 'content-type') && (length === undefined || length === '0') && !requestHeader(c, 'transfer-encoding')) return {};
  return readJsonBody(c);
}

export function deviceRoutes(devices: Devices, auth: MiddlewareHandler<AuthEnv>): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();

  app.get('/devices', auth, async (c) => {
    const { login, certSerial } = c.get('session');
    return c.json(await devices.list(login, certSerial));
  });

  const revocation = validBody(deviceRevokeSchema, {
    read: optionalJson,
    param: serialParamSchema,
    onInvalid: (fields) => new DomainError('validation', errorText('error.validation.request'), fields),
  });
  app.delete('/devices/:serial', auth, revocation, async (c) => {
    const { serial } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const r = await devices.revoke(c.get('session').login, serial, reason, requestOrigin(c));
    return c.json({ serial: r.serial, revokedAt: r.revokedAt, reason: r.revocationReason });
  });
  return app;
}
