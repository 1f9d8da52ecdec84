// Reads a request body that may be JSON or a form (urlencoded or multipart, files allowed) into a
// plain record; every other media type is a 415, unreadable JSON a 400.
import type { Context } from 'hono';
import { DomainError } from '../protocol/errors.ts';
import { requestHeader } from './request-header.ts';

export async function readJsonBody(c: Context): Promise<unknown> {
  const type = (requestHeader(c, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new DomainError('unsupported_media_type', 'Send the request as application/json.');
  }
  try {
    return await c.req.json();
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError('malformed', 'The request body is not valid JSON.');
  }
}

export async function readJsonOrForm(c: Context): Promise<unknown> {
  const type = (requestHeader(c, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') return readJsonBody(c);
  if (type !== 'multipart/form-data' && type !== 'application/x-www-form-urlencoded') {
    throw new DomainError('unsupported_media_type', 'Send the request as application/json or multipart/form-data.');
  }
  let form: Record<string, string | File | (string | File)[]>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError('malformed', 'The form data could not be read.');
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    const one = Array.isArray(value) ? value[0] : value;
    out[key] = one instanceof File ? await one.text() : one;
  }
  return out;
}

/**
 * Keeps exactly the named fields of a JSON object, each present (undefined when absent) so the
 * schema reports a missing field with its own "enter your …" message.
 */
export function pickFields(body: unknown, names: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError('malformed', `Send a JSON object with the fields ${names.join(', ')}.`);
  }
  const src = body as Record<string, unknown>;
  return Object.fromEntries(names.map((n) => [n, Object.hasOwn(src, n) ? src[n] : undefined]));
}
