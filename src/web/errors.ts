// The one place where domain refusals become HTTP answers (protocol: the error shape). A browser
// navigating to a page gets the refusal as a page in the app's layout instead (wantsPage); every
// other caller (the API, scripts, curl, htmx fragments) gets the JSON shape, exactly.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { errorText } from '../protocol/error-messages.ts';
import { DomainError, type ApiError, type ErrorCode } from '../protocol/errors.ts';
import { localizeError } from '../shared/i18n/error-messages.ts';
import { requestLocale } from './i18n.ts';
import { requestHeader } from './request-header.ts';

export const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  validation: 400,
  bad_csr: 400,
  malformed: 400,
  message_rejected: 400,
  conflict: 409,
  replay: 409,
  too_many_devices: 409,
  recipients_changed: 409,
  gone: 410,
  payload_too_large: 413,
  quota_exceeded: 413,
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

/** Paths whose callers are programs: always the JSON shape, whatever they accept. */
const API_PATH = /^\/(?:api|ca)(?:\/|$)|^\/ocsp(?:\/|$)/;

/**
 * A page navigation: the browser asks for HTML (Accept names text/html), for a path that is not
 * the API's, and it is not htmx asking for a fragment (htmx sends Accept: text/html too, but
 * swaps no error answer).
 */
export function wantsPage(c: Context): boolean {
  if (API_PATH.test(c.req.path) || requestHeader(c, 'hx-request')) return false;
  return /\btext\/html\b/i.test(requestHeader(c, 'accept') ?? '');
}

/** Draws the error page for a navigation (the app's layout, who is signed in, the way back). */
export type ErrorPageRenderer = (c: Context, problem: { status: ContentfulStatusCode; body: ApiError }) => Promise<Response>;

/**
 * The one answer to every refusal: the JSON shape, or the page when a browser navigates. The
 * answer depends on Accept off the API paths, so caches are told; a page that cannot be drawn
 * falls back to the JSON.
 */
async function answer(c: Context, status: ContentfulStatusCode, body: ApiError, renderPage?: ErrorPageRenderer): Promise<Response> {
  if (!API_PATH.test(c.req.path)) c.header('vary', 'Accept', { append: true });
  if (renderPage && wantsPage(c)) {
    try {
      return await renderPage(c, { status, body });
    } catch {
      // The JSON below says the same thing.
    }
  }
  return c.json(body, status);
}

/** RFC 9110 §10.2.3: when a refused request may be tried again (too many, or the service down for a moment). */
function retryAfter(c: Context, err: DomainError): void {
  const wait = err.extra?.retryAfter;
  if ((err.code === 'rate_limited' || err.code === 'unavailable') && typeof wait === 'number') c.header('Retry-After', String(wait));
}

/**
 * The refusal's JSON in the request's language (src/web/i18n.ts): `message` and `fields` follow
 * it, the code and every other member do not. English is the domain's text as is.
 */
export function errorBody(err: DomainError): ApiError {
  return localizeError(requestLocale(), err.toJSON(), err);
}

/** An answer's JSON not built from a DomainError, in the request's language. */
function localized(body: ApiError): ApiError {
  return localizeError(requestLocale(), body);
}

export function errorResponse(c: Context, err: DomainError): Response {
  retryAfter(c, err);
  return c.json(errorBody(err), STATUS[err.code]);
}

export function apiError(code: ErrorCode, message: string, extra?: Record<string, unknown>): DomainError {
  return new DomainError(code, message, undefined, extra);
}

/**
 * Hono's onError: domain errors keep their code; framework exceptions are reshaped; the rest is a
 * 500 that says nothing inside. With `renderPage`, browser navigations get it as a page.
 */
export function onError(
  log: (msg: string, data: Record<string, unknown>) => void,
  renderPage?: ErrorPageRenderer,
  /** Whether an error means the storage cannot be reached right now (a 503 the client may retry). */
  storageDown: (err: unknown) => boolean = () => false,
) {
  return (err: Error, c: Context): Response | Promise<Response> => {
    if (!(err instanceof DomainError) && storageDown(err)) {
      log('storage unavailable', { path: c.req.path, error: err.name, detail: err.message });
      err = new DomainError('unavailable', errorText('error.server.database'), undefined, { retryAfter: 5 });
    }
    if (err instanceof DomainError) {
      if (!renderPage) return errorResponse(c, err);
      retryAfter(c, err);
      return answer(c, STATUS[err.code], errorBody(err), renderPage);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const body: ApiError =
        status === 403
          ? { error: 'forbidden', message: errorText('error.request.csrf').text }
          : status === 413
            ? { error: 'payload_too_large', message: errorText('error.request.tooLarge').text }
            : { error: 'malformed', message: err.message || errorText('error.request.unreadable').text };
      return answer(c, status as ContentfulStatusCode, localized(body), renderPage);
    }
    log('unhandled error', { path: c.req.path, error: err.name, detail: err.message });
    return answer(c, 500, localized({ error: 'internal', message: errorText('error.server.internal').text }), renderPage);
  };
}

/** Hono's notFound: `{"error":"not_found"}`, or the page for a browser navigation. */
export function notFound(renderPage?: ErrorPageRenderer) {
  return (c: Context): Promise<Response> => {
    const said = errorText('error.request.nothingAt', { method: c.req.method, path: c.req.path });
    return answer(c, 404, localizeError(requestLocale(), { error: 'not_found', message: said.text }, { says: said.say }), renderPage);
  };
}
