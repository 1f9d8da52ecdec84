// Extension (docs/protocol.md, "Extensions"): any certificate we issued, by serial. An envelope
// names its sender's certificate by serial (protocol §5); after the sender renews, §4 serves only
// the new one, so a reader opening older messages fetches the one the envelope names here.
// Certificates are public; the route is behind login like the rest of the directory.
import { Hono, type MiddlewareHandler } from 'hono';
import type { CertificateRecords } from '../../pki/records.ts';
import { standing } from '../../pki/status.ts';
import { toPem } from '../../pki/x509.ts';
import { serialParamSchema as serialParam } from '../../protocol/devices.ts';
import { DomainError } from '../../protocol/errors.ts';
import type { AuthEnv } from '../auth.ts';
import { validParam } from '../validate.ts';
import { errorText } from '../../protocol/error-messages.ts';

export function certificatesBySerialRoutes(records: CertificateRecords, auth: MiddlewareHandler<AuthEnv>, now: () => Date): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  // PEM by default; with Accept: application/json, its standing (status, revocation) and owner too.
  // The session check is this route's own: POST /api/v1/certificates/check beside it is public.
  const serialOf = validParam(serialParam, (fields) => new DomainError('validation', errorText('error.validation.serial'), fields));
  app.get('/certificates/:serial', auth, serialOf, async (c) => {
    const { serial } = c.req.valid('param');
    const record = await records.get(serial);
    // A registration still in progress has no certificate yet, as far as anyone else can tell.
    if (!record || record.state !== 'issued') throw new DomainError('not_found', errorText('error.certificate.notIssuedHere', { serial }));
    if ((c.req.header('accept') ?? '').includes('application/json')) {
      return c.json({ login: record.login, ...standing(record, now()), certificate: toPem(record.der) });
    }
    return c.body(toPem(record.der), 200, { 'content-type': 'application/x-pem-file' });
  });
  return app;
}
