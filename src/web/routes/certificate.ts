// The caller's own certificate: its standing and history, renewal with a new key, revocation.
import { Hono } from 'hono';
import * as v from 'valibot';
import type { Lifecycle } from '../../pki/lifecycle.ts';
import type { Roster } from '../../usecases/roster.ts';
import type { CertificateRecords } from '../../pki/records.ts';
import { standing } from '../../pki/status.ts';
import { x509 } from '../../pki/x509.ts';
import { issuesToFields } from '../../protocol/enroll.ts';
import { DomainError } from '../../protocol/errors.ts';
import { renewRequestSchema, revokeRequestSchema } from '../../protocol/certificate.ts';
import type { Authority } from '../../pki/authority.ts';
import { pickFields, readJsonOrForm } from '../body.ts';
import { jsonBody } from '../validate.ts';
import type { AuthEnv } from '../auth.ts';
import type { MiddlewareHandler } from 'hono';
import type { Activity } from '../../auth/activity.ts';
import { requestOrigin } from '../client-address.ts';

const pem = (der: Uint8Array) => x509.PemConverter.encode(new Uint8Array(der).buffer, 'CERTIFICATE') + '\n';

export interface CertificateRouteDeps {
  lifecycle: Lifecycle;
  roster: Roster;
  records: CertificateRecords;
  ca: Authority;
  auth: MiddlewareHandler<AuthEnv>;
  now: () => Date;
  activity: Activity;
}

export function certificateRoutes(d: CertificateRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  // The session check goes on each route, not on /api/v1/certificate/*: recovery, beside these,
  // is for people who cannot log in, and no mounting order may put it behind this check.
  app.get('/api/v1/certificate', d.auth, async (c) => {
    const login = c.get('session').login;
    const current = await d.roster.certificate(login);
    if (!current) throw new DomainError('not_found', 'You have no current certificate.');
    const { der, ...rest } = current;
    const history = d.records.forLogin(login).map((r) => standing(r, d.now())).reverse();
    return c.json({ ...rest, certificate: pem(der), chain: d.ca.chainPem, history });
  });

  app.get('/api/v1/certificate.pem', d.auth, async (c) => {
    const current = await d.roster.certificate(c.get('session').login);
    if (!current) throw new DomainError('not_found', 'You have no current certificate.');
    c.header('content-disposition', `attachment; filename="${current.login}.pem"`);
    return c.body(pem(current.der), 200, { 'content-type': 'application/x-pem-file' });
  });

  app.post('/api/v1/certificate/renew', d.auth, async (c) => {
    const body = pickFields(await readJsonOrForm(c), ['csr', 'reason']);
    if (body.reason === '') body.reason = undefined;
    const parsed = v.safeParse(renewRequestSchema, body);
    if (!parsed.success) throw new DomainError('validation', 'The renewal request needs fixing.', issuesToFields(parsed.issues));
    const login = c.get('session').login;
    const renewed = await d.lifecycle.renew(login, parsed.output.csr, parsed.output.reason);
    d.activity.record(login, 'certificate_renewed', { serial: renewed.serial, reason: parsed.output.reason }, requestOrigin(c));
    return c.json(renewed, 201);
  });

  app.post('/api/v1/certificate/revoke', d.auth, async (c) => {
    const { reason } = await jsonBody(c, revokeRequestSchema);
    const r = await d.lifecycle.revokeCurrent(c.get('session').login, reason);
    d.activity.record(r.login, 'certificate_revoked', { serial: r.serial, reason: r.revocationReason, by: 'you' }, requestOrigin(c));
    return c.json({ serial: r.serial, revokedAt: r.revokedAt, reason: r.revocationReason });
  });
  return app;
}
