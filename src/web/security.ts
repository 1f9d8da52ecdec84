// Response headers and request guards every route gets: CSP without inline script, nosniff,
// Referrer-Policy, frame-ancestors; CSRF checks for browser form posts; the 64 KiB body limit.
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { csrf } from 'hono/csrf';
import { bodyLimit } from 'hono/body-limit';
import { DomainError } from '../protocol/errors.ts';

export const MAX_BODY = 64 * 1024;

export const headers = (): MiddlewareHandler =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
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

/**
 * Browsers send Origin or Sec-Fetch-Site with every cross-site form post, so a form post carrying
 * neither is not a forged browser request (it is curl, or a test): it passes. Anything from a
 * browser must come from our own origin (as the request sees it, or as configured publicly).
 */
export function csrfGuard(publicUrl: string): MiddlewareHandler {
  const publicOrigin = new URL(publicUrl).origin;
  const check = csrf({ origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin });
  return async (c, next) => {
    if (c.req.header('origin') === undefined && c.req.header('sec-fetch-site') === undefined) return next();
    return check(c, next);
  };
}

export const limitBody = (): MiddlewareHandler =>
  bodyLimit({
    maxSize: MAX_BODY,
    onError: (c) => {
      // The rest of the body stays unread, so the connection cannot carry another request: a
      // keep-alive client's next request on it waited behind the unread bytes until the server
      // gave up and reset the connection, and was lost. Closing it makes the client reconnect.
      c.header('connection', 'close');
      throw new DomainError('payload_too_large', `The request body is larger than ${MAX_BODY / 1024} KiB.`);
    },
  });
