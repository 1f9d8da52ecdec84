// Extension (docs/protocol.md, "Checking a certificate"): anyone may ask the authority about a
// certificate — whether it issued it, to whom, and its standing now. Public like OCSP, and answered
// from the same facts; rate-limited per address like enrollment.
import { Hono, type Context } from 'hono';
import type { RateLimiter } from '../../auth/rate-limit.ts';
import type { CertificateChecker } from '../../pki/check.ts';
import { checkRequestSchema } from '../../protocol/certificate.ts';
import { readJsonOrForm, readText } from '../body.ts';
import { clientAddress } from '../client-address.ts';
import { limit } from '../rate-limit.ts';
import { requestHeader } from '../request-header.ts';
import { validBody } from '../validate.ts';

const CHECK_PATH = '/certificates/check';

/**
 * JSON, a form, or the file as it is: `curl --data-binary @cert.pem -H 'content-type:
 * application/x-pem-file'` sends just the certificate.
 */
async function readCheck(c: Context): Promise<unknown> {
  const type = (requestHeader(c, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/x-pem-file' ? { certificate: await readText(c) } : readJsonOrForm(c);
}

export function certificateCheckRoutes(checker: CertificateChecker, perAddress: RateLimiter): Hono {
  const app = new Hono();
  const body = validBody(checkRequestSchema, { read: readCheck, fields: ['certificate'] });
  app.post(CHECK_PATH, limit(perAddress, clientAddress), body, async (c) => {
    c.header('cache-control', 'no-store');
    return c.json(await checker.check(c.req.valid('json').certificate));
  });
  return app;
}
