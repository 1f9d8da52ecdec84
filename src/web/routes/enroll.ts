// Protocol §2: POST /api/v1/enroll, JSON or multipart (the csr part may be a file).
import { Hono } from 'hono';
import * as v from 'valibot';
import { ENROLL_FIELDS, enrollSchema, issuesToFields } from '../../protocol/enroll.ts';
import { validationError } from '../../protocol/errors.ts';
import type { Enrollment } from '../../pki/enrollment.ts';
import type { RateLimiter } from '../../auth/rate-limit.ts';
import { pickFields, readJsonOrForm } from '../body.ts';
import { clientAddress } from '../client-address.ts';
import { enforce } from '../rate-limit.ts';

export function enrollRoutes(enrollment: Enrollment, cardPattern: RegExp, perAddress: RateLimiter): Hono {
  const schema = enrollSchema(cardPattern);
  const app = new Hono();
  app.post('/api/v1/enroll', async (c) => {
    enforce(c, [perAddress, clientAddress(c)]);
    const body = pickFields(await readJsonOrForm(c), ENROLL_FIELDS);
    const parsed = v.safeParse(schema, body);
    if (!parsed.success) {
      const fields = issuesToFields(parsed.issues);
      if (!fields.csr && typeof body.csr === 'string') {
        const problem = await enrollment.csrProblem(body.csr);
        if (problem) fields.csr = problem;
      }
      throw validationError(fields);
    }
    return c.json(await enrollment.enroll(parsed.output), 201);
  });
  return app;
}
