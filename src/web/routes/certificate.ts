// The caller's own certificate: its standing and history, renewal with a new key, revocation.
import { Hono } from 'hono';
import * as v from 'valibot';
import type { CertificateChanges } from '../../usecases/certificate-changes.ts';
import type { Account } from '../../usecases/account.ts';
import { toPem } from '../../pki/x509.ts';
import { DomainError } from '../../protocol/errors.ts';
import { renewRequestSchema, revokeRequestSchema } from '../../protocol/certificate.ts';
import type { Authority } from '../../pki/authority.ts';
import { readJsonOrForm } from '../body.ts';
import { validBody } from '../validate.ts';
import type { AuthEnv } from '../auth.ts';
import type { MiddlewareHandler } from 'hono';
import { requestOrigin } from '../client-address.ts';
import { errorText } from '../../protocol/error-messages.ts';


/** The renewal form's reason left on its blank choice is no reason: the default one. */
const renewBody = v.pipe(
  v.looseObject({}),
  v.transform((body) => (body.reason === '' ? { ...body, reason: undefined } : body)),
  renewRequestSchema,
);

export interface CertificateRouteDeps {
  changes: CertificateChanges;
  account: Account;
  ca: Authority;
  auth: MiddlewareHandler<AuthEnv>;
}

export function certificateRoutes(d: CertificateRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  // The session check goes on each route, not on /api/v1/certificate/*: recovery, beside these,
  // is for people who cannot log in, and no mounting order may put it behind this check.
  app.get('/certificate', d.auth, async (c) => {
    // The calling device's certificate (protocol §6: one per device).
    const { login, certSerial } = c.get('session');
    const own = await d.account.certificate(login, certSerial);
    if (!own) throw new DomainError('not_found', errorText('error.certificate.noneCurrent'));
    const { current, history } = own;
    const { der, ...rest } = current;
    return c.json({ ...rest, certificate: toPem(der), chain: d.ca.chainPem, history });
  });

  app.get('/certificate.pem', d.auth, async (c) => {
    const { login, certSerial } = c.get('session');
    const own = await d.account.certificate(login, certSerial);
    if (!own) throw new DomainError('not_found', errorText('error.certificate.noneCurrent'));
    c.header('content-disposition', `attachment; filename="${login}.pem"`);
    return c.body(toPem(own.current.der), 200, { 'content-type': 'application/x-pem-file' });
  });

  const renewal = validBody(renewBody, {
    read: readJsonOrForm,
    fields: ['csr', 'reason'],
    onInvalid: (fields) => new DomainError('validation', errorText('error.validation.renewal'), fields),
  });
  app.post('/certificate/renew', d.auth, renewal, async (c) => {
    const { csr, reason } = c.req.valid('json');
    const { login, certSerial: serial } = c.get('session');
    // The calling session's device (protocol §6).
    const renewed = await d.changes.renew({ login, serial }, csr, reason, requestOrigin(c));
    return c.json(renewed, 201);
  });

  const revocation = validBody(revokeRequestSchema, { fields: Object.keys(revokeRequestSchema.entries) });
  app.post('/certificate/revoke', d.auth, revocation, async (c) => {
    const { reason } = c.req.valid('json');
    const { login, certSerial: serial } = c.get('session');
    const r = await d.changes.revoke({ login, serial }, reason, requestOrigin(c));
    return c.json({ serial: r.serial, revokedAt: r.revokedAt, reason: r.revocationReason });
  });
  return app;
}
