// Protocol §2: POST /api/v1/enroll, JSON or multipart (the csr part may be a file).
import { Hono } from 'hono';
import { ENROLL_FIELDS, enrollSchema } from '../../protocol/enroll.ts';
import { validationError } from '../../protocol/errors.ts';
import type { Enrollment } from '../../usecases/enrollment.ts';
import type { RateLimiter } from '../../auth/rate-limit.ts';
import { readJsonOrForm } from '../body.ts';
import { clientAddress } from '../client-address.ts';
import { limit } from '../rate-limit.ts';
import { requestHeader } from '../request-header.ts';
import { validBody } from '../validate.ts';

export function enrollRoutes(enrollment: Enrollment, cardPattern: RegExp, perAddress: RateLimiter): Hono {
  const app = new Hono();
  const body = validBody(enrollSchema(cardPattern), {
    read: readJsonOrForm,
    fields: ENROLL_FIELDS,
    // Every failing field at once: a csr the schema let through is read too, so its problem is
    // named beside the others instead of after they are fixed.
    onInvalid: async (fields, _c, data) => {
      const csr = (data as Record<string, unknown>).csr;
      if (!fields.csr && typeof csr === 'string') {
        const problem = await enrollment.csrProblem(csr);
        if (problem) fields.csr = problem;
      }
      return validationError(fields);
    },
  });
  app.post('/enroll', limit(perAddress, clientAddress), body, async (c) => c.json(await enrollment.enroll(c.req.valid('json'), requestHeader(c, 'user-agent')), 201));
  return app;
}
