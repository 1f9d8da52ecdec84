// Response headers and request guards every route gets: CSP without inline script, nosniff,
// Referrer-Policy, frame-ancestors; CSRF checks for browser form posts; the 64 KiB body limit.
import { Hono, type MiddlewareHandler } from 'hono';
import type { ServerResponse } from 'node:http';
import { secureHeaders } from 'hono/secure-headers';
import { csrf } from 'hono/csrf';
import { MAX_BODY, bodyLimit, refuseDeclared } from './body.ts';
import { requestHeader } from './request-header.ts';

export { MAX_BODY };

const policy = () =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      // blob: for the chat's image previews, drawn from bytes decrypted in the page (§8).
      imgSrc: ["'self'", 'data:', 'blob:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
    referrerPolicy: 'no-referrer',
    xContentTypeOptions: 'nosniff',
    xFrameOptions: 'DENY',
    crossOriginResourcePolicy: 'same-origin',
    strictTransportSecurity: 'max-age=31536000',
  });

/** The headers Hono's secureHeaders gives a plain response under our policy, worked out once. */
async function securityHeaders(): Promise<[string, string][]> {
  const probe = new Hono().use(policy()).get('/', (c) => c.body(null, 204));
  const res = await probe.request('/');
  return [...res.headers];
}

let record: Promise<Readonly<Record<string, string>>> | undefined;

/**
 * The same headers as one record, for a route mounted ahead of `headers()` (src/http.ts) to put
 * in its own answer's headers: a plain record reaches Node's writeHead as it is, with no
 * per-request setHeader calls.
 */
export function securityHeaderRecord(): Promise<Readonly<Record<string, string>>> {
  return (record ??= securityHeaders().then((list) => Object.freeze(Object.fromEntries(list))));
}

/**
 * For such a route: its own answers carry securityHeaderRecord(), and the refusals and errors the
 * app makes for it (onError: a body over the limit, a failure) get the headers here.
 */
export const headersOnRefusals = (): MiddlewareHandler => async (c, next) => {
  await next();
  if (c.res.status < 400) return;
  addMissing(c.res.headers, Object.entries(await securityHeaderRecord()));
};

/** A route's own value of a header wins, as with secureHeaders. */
function addMissing(headers: Headers, list: Iterable<[string, string]>): void {
  for (const [name, value] of list) if (!headers.has(name)) headers.set(name, value);
}

type NodeBindings = { outgoing?: ServerResponse };

/**
 * Hono's secureHeaders middleware sets a dozen headers on every response after the route ran,
 * through a web `Headers` object that @hono/node-server would otherwise not build, then converts
 * back: ~10 µs a request, a tenth of a message's time on the event loop. The values never change,
 * so they are taken from it once and given to Node's response up front: Node merges them with the
 * route's own headers when it writes the head, and a route's own value of a header wins, as with
 * secureHeaders. Outside Node's server (app.request in tests), the same values go on `c.res`.
 */
export const headers = (): MiddlewareHandler => {
  let list: [string, string][] | undefined;
  return async (c, next) => {
    list ??= await securityHeaders();
    const outgoing = (c.env as NodeBindings | undefined)?.outgoing;
    if (outgoing && !outgoing.headersSent) {
      for (const [name, value] of list) outgoing.setHeader(name, value);
      return next();
    }
    await next();
    addMissing(c.res.headers, list);
  };
};

/**
 * Browsers send Origin or Sec-Fetch-Site with every cross-site form post, so a form post carrying
 * neither is not a forged browser request (it is curl, or a test): it passes. Anything from a
 * browser must come from our own origin (as the request sees it, or as configured publicly).
 */
export function csrfGuard(publicUrl: string): MiddlewareHandler {
  const publicOrigin = new URL(publicUrl).origin;
  const check = csrf({ origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin });
  return async (c, next) => {
    if (requestHeader(c, 'origin') === undefined && requestHeader(c, 'sec-fetch-site') === undefined) return next();
    return check(c, next);
  };
}

/**
 * Refuses a body whose declared length is over the limit before any route runs: the header is all
 * there is to check, since Node's parser never reads past it (the refused body is only drained). A chunked body has no length to
 * check up front; the route's own read (src/web/body.ts) counts it, once the route knows the caller
 * may send one.
 */
export const limitBody = (configured: Readonly<Record<string, number>> = {}): MiddlewareHandler => async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
  // `configured`: limits the configuration sets, by "METHOD /path" (the attachment upload).
  const own = configured[`${c.req.method} ${c.req.path}`];
  if (own !== undefined) c.set('bodyLimit', own);
  const declared = requestHeader(c, 'content-length');
  if (declared !== undefined && requestHeader(c, 'transfer-encoding') === undefined && /^\d{1,15}$/.test(declared) && Number(declared) > bodyLimit(c)) {
    return refuseDeclared(c, Number(declared));
  }
  return next();
};
