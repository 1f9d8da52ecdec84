// Request headers, read from Node's own parsed request when there is one. Asking Hono's request
// for a header makes @hono/node-server build a web `Headers` of all of them first (~5 µs); the
// middlewares every request passes through (body limit, CSRF, session, JSON body) read five or six
// headers, so they read them here. Node keeps the first of duplicated singleton headers
// (Authorization, Content-Type, Content-Length) where `Headers` would join them, and refuses
// conflicting Content-Length outright. Outside Node's server (app.request in tests) it is Hono's.
import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import { parse } from 'hono/utils/cookie';

export type NodeBindings = { incoming?: IncomingMessage };

export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as NodeBindings | undefined)?.incoming;
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** One cookie of the request, by name. */
export function requestCookie(c: Context, name: string): string | undefined {
  const header = requestHeader(c, 'cookie');
  return header ? parse(header, name)[name] : undefined;
}
