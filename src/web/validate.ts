// One validation path for every route (issue 18): each route names one schema from src/protocol (or
// its own, built from them) per part of the request it takes — the body, the query or the path
// parameters — and reads the result with `c.req.valid('json' | 'query' | 'param')`. The schemas
// run the Standard Schema way, as @hono/standard-validator runs them (query and path parameters go
// through its sValidator as is), and every failure goes through one hook, `refuse`, into the
// protocol's error shape: `400 validation` with `fields` unless the route answers otherwise (a
// message is `400 message_rejected`, a page shows the error beside the field).
//
// Bodies are not read by Hono's validator (no 64 KiB count on a chunked body there, and its own
// answers to bad JSON): validBody reads them with src/web/body.ts, and only when the middleware
// before it (the session, the rate limit) has let the caller send one.
import { sValidator } from '@hono/standard-validator';
import type { Context, Env, MiddlewareHandler, ValidationTargets } from 'hono';
import type * as v from 'valibot';
import { issuesToFields, type SchemaIssue } from '../protocol/enroll.ts';
import { DomainError, validationError } from '../protocol/errors.ts';
import { readJsonBody } from './body.ts';
import { errorText } from '../protocol/error-messages.ts';

/** A valibot schema: what src/protocol writes, and a Standard Schema (`~standard`) like any. */
export type Schema = v.GenericSchema | v.GenericSchemaAsync;
type Out<S extends Schema> = v.InferOutput<S>;
type In<S extends Schema> = v.InferInput<S>;
export type Fields = Record<string, string>;

/**
 * What a route answers to input its schema refused: a refusal to throw (the one place, web/errors.ts,
 * makes it HTTP), or a response of its own. `data` is what was checked.
 */
export type OnInvalid = (fields: Fields, c: Context, data: unknown) => DomainError | Response | Promise<DomainError | Response>;

/** What @hono/standard-validator hands its hook. */
export type ValidationResult = { target: keyof ValidationTargets; data: unknown } & (
  | { success: true }
  | { success: false; error: readonly SchemaIssue[] }
);

/**
 * The one hook: a failed validation becomes `onInvalid`'s answer — by default `400 validation`
 * naming every failing field (the first message of each) — and a passed one goes on.
 *
 * @example
 * app.get('/api/v1/messages', sValidator('query', historyQuery, refuse((fields) => new DomainError('validation', 'The query needs fixing.', fields))), …)
 */
export function refuse(onInvalid: OnInvalid = validationError) {
  return async (result: ValidationResult, c: Context): Promise<Response | undefined> => {
    if (result.success) return undefined;
    const answer = await onInvalid(issuesToFields(result.error), c, result.data);
    if (answer instanceof Response) return answer;
    throw answer;
  };
}

/** Marks a validator on the handler Hono keeps, so a test can ask of any route what it checks. */
const CHECKS = Symbol('tekup.validates');
interface Checked {
  [CHECKS]?: { target: keyof ValidationTargets; schema: Schema };
}
function marked<H extends object>(handler: H, target: keyof ValidationTargets, schema: Schema): H {
  (handler as Checked)[CHECKS] = { target, schema };
  return handler;
}
/** The target and schema a handler registered on a route checks, if it is one of ours. */
export function checkedBy(handler: unknown): { target: keyof ValidationTargets; schema: Schema } | undefined {
  if (typeof handler !== 'function') return undefined;
  // A sub-app with its own onError is mounted wrapped; Hono keeps the original beside the wrapper.
  const own = (handler as { __COMPOSED_HANDLER?: unknown }).__COMPOSED_HANDLER ?? handler;
  return (own as Checked)[CHECKS];
}

/**
 * The query, checked with `schema` (`c.req.valid('query')`). A parameter given twice arrives as an
 * array, as @hono/standard-validator passes it.
 *
 * @example
 * app.get('/login', validQuery(v.fallback(loginQuery, {})), (c) => page(c.req.valid('query')))
 */
export function validQuery<S extends Schema, E extends Env = Env, P extends string = string>(schema: S, onInvalid?: OnInvalid) {
  return marked(sValidator<S, 'query', E, P>('query', schema, refuse(onInvalid) as never), 'query', schema);
}

/**
 * The path parameters, checked with `schema` (an object named by the route's `:params`;
 * `c.req.valid('param')`).
 *
 * @example
 * app.delete('/api/v1/sessions/:id', auth, validParam(v.object({ id: sessionId })), (c) => close(c.req.valid('param').id))
 */
export function validParam<S extends Schema, E extends Env = Env, P extends string = string>(schema: S, onInvalid?: OnInvalid) {
  return marked(sValidator<S, 'param', E, P>('param', schema, refuse(onInvalid) as never), 'param', schema);
}

/**
 * The request headers, checked with `schema` (an object of lowercase header names;
 * `c.req.valid('header')`): for a route whose body is bytes as sent, which no body schema reads.
 *
 * @example
 * app.post('/api/v1/attachments', auth, validHeader(uploadHeaders, onInvalid), (c) => store(c.req.raw.body))
 */
export function validHeader<S extends Schema, E extends Env = Env, P extends string = string>(schema: S, onInvalid?: OnInvalid) {
  return marked(sValidator<S, 'header', E, P>('header', schema, refuse(onInvalid) as never), 'header', schema);
}

export interface BodyOptions<PS extends Schema | undefined = undefined> {
  /**
   * How the body is read (src/web/body.ts): `readJsonBody` by default (other media types 415),
   * `readJsonOrForm` for a route that takes forms too, or the route's own reader built on them.
   */
  read?: (c: Context) => Promise<unknown>;
  /**
   * Keep exactly these fields of the body, each present (undefined when absent) so the schema
   * reports a missing field with its own "enter your …" message; a body that is not an object is
   * then `400 malformed`. Without it the schema sees the body as sent (a strict object refuses
   * what it does not know).
   */
  fields?: readonly string[];
  /** The route's path parameters, checked with the body so one answer names every failing field. */
  param?: PS;
  onInvalid?: OnInvalid;
}

type BodyInput<S extends Schema, PS extends Schema | undefined> = PS extends Schema
  ? { in: { json: In<S>; param: In<PS> }; out: { json: Out<S>; param: Out<PS> } }
  : { in: { json: In<S> }; out: { json: Out<S> } };

/**
 * The body, read with our readers and checked with `schema` (`c.req.valid('json')`, whether it came
 * as JSON or as a form). Put it after the session check and the rate limit: the body is read here.
 *
 * @example
 * app.post('/api/v1/enroll', limit(perAddress, clientAddress), validBody(enrollSchema(), { read: readJsonOrForm, fields: ENROLL_FIELDS }), (c) => enroll(c.req.valid('json')))
 */
export function validBody<S extends Schema, PS extends Schema | undefined = undefined, E extends Env = Env, P extends string = string>(
  schema: S,
  options: BodyOptions<PS> = {},
): MiddlewareHandler<E, P, BodyInput<S, PS>> {
  const { read = readJsonBody, fields, param, onInvalid } = options;
  const hook = refuse(onInvalid);
  const middleware: MiddlewareHandler<E, P, BodyInput<S, PS>> = async (c, next) => {
    const params = param ? await param['~standard'].validate(c.req.param()) : undefined;
    const body = await read(c);
    const data = fields ? pickFields(body, fields) : body;
    let result = schema['~standard'].validate(data);
    if (result instanceof Promise) result = await result;
    if (result.issues || params?.issues) {
      // The path's fields first, then the body's: the order the route has always named them in.
      const error = [...(params?.issues ?? []), ...(result.issues ?? [])];
      const answer = await hook({ target: 'json', data, success: false, error }, c);
      return answer;
    }
    if (params && !params.issues) c.req.addValidatedData('param', params.value as object);
    c.req.addValidatedData('json', result.value as object);
    await next();
  };
  return marked(middleware, 'json', schema);
}

/**
 * Keeps exactly the named fields of a body, each present (undefined when absent); anything but an
 * object is `400 malformed`.
 */
export function pickFields(body: unknown, names: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError('malformed', errorText('error.request.object', { names: names.join(', ') }));
  }
  const src = body as Record<string, unknown>;
  return Object.fromEntries(names.map((n) => [n, Object.hasOwn(src, n) ? src[n] : undefined]));
}
