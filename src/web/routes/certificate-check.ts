// Extension (docs/protocol.md, "Checking a certificate"): anyone may ask the authority about a
// certificate — whether it issued it, to whom, and its standing now. Public like OCSP, and answered
// from the same facts; rate-limited per address like enrollment.
import { Hono } from 'hono';
import * as v from 'valibot';
import type { RateLimiter } from '../../auth/rate-limit.ts';
import type { CertificateChecker } from '../../pki/check.ts';
import { checkRequestSchema } from '../../protocol/certificate.ts';
import { issuesToFields } from '../../protocol/enroll.ts';
import { validationError } from '../../protocol/errors.ts';
import { pickFields, readJsonOrForm, readText } from '../body.ts';
import { clientAddress } from '../client-address.ts';
import { enforce } from '../rate-limit.ts';
import { requestHeader } from '../request-header.ts';

const CHECK_PATH = '/api/v1/certificates/check';

export function certificateCheckRoutes(checker: CertificateChecker, perAddress: RateLimiter): Hono {
  const app = new Hono();
  app.post(CHECK_PATH, async (c) => {
    enforce(c, [perAddress, clientAddress(c)]);
    // `curl --data-binary @cert.pem -H 'content-type: application/x-pem-file'` sends the file as is.
    const type = (requestHeader(c, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
    const body = type === 'application/x-pem-file' ? { certificate: await readText(c) } : pickFields(await readJsonOrForm(c), ['certificate']);
    const parsed = v.safeParse(checkRequestSchema, body);
    if (!parsed.success) throw validationError(issuesToFields(parsed.issues));
    c.header('cache-control', 'no-store');
    return c.json(await checker.check(parsed.output.certificate));
  });
  return app;
}
