// The one place where domain refusals become HTTP answers (protocol: the error shape).
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, type ApiError, type ErrorCode } from '../protocol/errors.ts';

export const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  validation: 400,
  bad_csr: 400,
  malformed: 400,
  message_rejected: 400,
  conflict: 409,
  replay: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  invalid_credentials: 401,
  unauthorized: 401,
  certificate_rejected: 403,
  forbidden: 403,
  not_found: 404,
  internal: 500,
  unavailable: 503,
};

export function errorResponse(c: Context, err: DomainError): Response {
  const wait = err.extra?.retryAfter;
  if (err.code === 'rate_limited' && typeof wait === 'number') c.header('Retry-After', String(wait));
  return c.json(err.toJSON(), STATUS[err.code]);
}

export function apiError(code: ErrorCode, message: string, extra?: Record<string, unknown>): DomainError {
  return new DomainError(code, message, undefined, extra);
}

/** Hono's onError: domain errors keep their code; framework exceptions are reshaped; the rest is a 500 that says nothing inside. */
export function onError(log: (msg: string, data: Record<string, unknown>) => void) {
  return (err: Error, c: Context): Response => {
    if (err instanceof DomainError) return errorResponse(c, err);
    if (err instanceof HTTPException) {
      const status = err.status;
      const body: ApiError =
        status === 403
          ? { error: 'forbidden', message: 'This request came from another site and was refused (CSRF protection).' }
          : status === 413
            ? { error: 'payload_too_large', message: 'The request body is larger than 64 KiB.' }
            : { error: 'malformed', message: err.message || 'The request could not be read.' };
      return c.json(body, status as ContentfulStatusCode);
    }
    log('unhandled error', { path: c.req.path, error: err.name, detail: err.message });
    return c.json({ error: 'internal', message: 'Something went wrong on our side; nothing was changed. Please try again.' } satisfies ApiError, 500);
  };
}

export function notFound(c: Context): Response {
  return c.json({ error: 'not_found', message: `Nothing is at ${c.req.method} ${c.req.path}.` } satisfies ApiError, 404);
}
