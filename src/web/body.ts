// Reads a request body, only ever from a route that has decided the caller may send one (after
// its session or rate-limit check): the 64 KiB limit is applied here, as the bytes arrive, not by a
// middleware that would read every body before knowing who sends it. A body the client abandons
// half-way is the client's doing, answered 400 and never logged as a server error. JSON or a form
// (urlencoded or multipart, files allowed) becomes a plain record; other media types are a 415.
import type { Context } from 'hono';
import { DomainError } from '../protocol/errors.ts';
import { requestHeader, type NodeBindings } from './request-header.ts';
import { envelopeV2BodyLimit, KEYS_MAX } from '../protocol/envelope.ts';
import { errorText } from '../protocol/error-messages.ts';

export const MAX_BODY = 64 * 1024;
/**
 * Routes allowed more: a message body may be 64 KiB plus 1 KiB per wrapped key (protocol §7), so
 * up to what the largest group's envelope needs; the route checks the body against its own key count.
 */
const LARGER_BODIES: Record<string, number> = { 'POST /api/v1/messages': envelopeV2BodyLimit(KEYS_MAX) };

declare module 'hono' {
  interface ContextVariableMap {
    /** This request's body limit when the configuration sets it (src/web/security.ts limitBody). */
    bodyLimit: number;
  }
}

/**
 * The most this request's body may hold: what the configuration allows the route (an attachment,
 * protocol §8: --max-attachment-mb, given to limitBody), else the table above, else MAX_BODY.
 */
export const bodyLimit = (c: Context): number => c.get('bodyLimit') ?? LARGER_BODIES[`${c.req.method} ${c.req.path}`] ?? MAX_BODY;
/**
 * How much of a refused body is still read (and thrown away) so the client can finish sending and
 * then read the 413. Closing with bytes unread makes the kernel reset the connection, and a reset
 * discards the answer the client had not read yet: it saw EPIPE or ECONNRESET instead (issue 17).
 */
export const DRAIN_MAX = 4 * 1024 * 1024;

/**
 * 413. `drained`: the whole body was read (and thrown away), so the connection can carry the next
 * request; otherwise it is closed after the answer, which the sender of such a body has to accept.
 */
export function tooLarge(c: Context, drained: boolean, limit = bodyLimit(c)): never {
  if (!drained) c.header('connection', 'close');
  // Said as the route's own refusal would say it, whichever refuses first (the declared length or the count).
  const attachment = c.req.method === 'POST' && c.req.path === '/api/v1/attachments';
  const message =
    limit % (1024 * 1024) === 0
      ? errorText(attachment ? 'error.attachment.tooLarge' : 'error.body.tooLarge', { mib: String(limit / (1024 * 1024)) })
      : errorText(attachment ? 'error.attachment.tooLarge.kib' : 'error.body.tooLarge.kib', { kib: String(Math.floor(limit / 1024)) });
  throw new DomainError('payload_too_large', message, undefined, { limit });
}

/**
 * The 413 for a body whose declared length is over the limit, once up to DRAIN_MAX of it was read:
 * the sender may have asked for the connection to be closed after the answer, and even then no
 * unread byte may be left behind to reset it.
 */
export async function refuseDeclared(c: Context, declared: number): Promise<never> {
  const body = declared <= DRAIN_MAX ? c.req.raw.body : null;
  tooLarge(c, body ? await drain(body.getReader()) : false);
}

/** How long a refused body may take to arrive before the connection is closed on it. */
export const DRAIN_MS = 5_000;

/** Reads and discards up to DRAIN_MAX more bytes for up to DRAIN_MS; whether the body ended within them. */
export async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<boolean> {
  try {
    return await bounded(
      (async () => {
        let size = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return true;
          size += value.length;
          if (size > DRAIN_MAX) return false;
        }
      })(),
    );
  } finally {
    reader.cancel().catch(() => {});
  }
}

const cutShort = () => new DomainError('malformed', errorText('error.body.cutShort'));

/** A request body read as it arrives, and what is left of it thrown away when the route refuses it. */
export interface BodyChunks {
  chunks: AsyncIterable<Uint8Array>;
  /** Reads and discards the rest (see drain); whether the body ended within DRAIN_MAX and DRAIN_MS. */
  drainRest(): Promise<boolean>;
}

/**
 * The body chunk by chunk, from Node's own request when there is one: the web stream
 * @hono/node-server builds over it copies every chunk, and a 20 MiB upload grew the server by
 * twice its size. Leaving the loop early destroys nothing, so the rest can still be drained and the
 * client reads the answer rather than a reset (see tooLarge). A body cut short is `malformed`.
 */
export function bodyChunks(c: Context): BodyChunks {
  const incoming = (c.env as NodeBindings | undefined)?.incoming;
  if (incoming) {
    return {
      chunks: readOrCutShort(incoming.iterator({ destroyOnReturn: false })),
      drainRest: () => bounded((async () => {
        let size = 0;
        for await (const chunk of incoming.iterator({ destroyOnReturn: false })) {
          size += (chunk as Buffer).length;
          if (size > DRAIN_MAX) return false;
        }
        return true;
      })()),
    };
  }
  const reader = c.req.raw.body?.getReader();
  if (!reader) return { chunks: (async function* () {})(), drainRest: async () => true };
  return {
    chunks: readOrCutShort((async function* () {
      for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
    })()),
    drainRest: () => drain(reader),
  };
}

async function* readOrCutShort(chunks: AsyncIterator<unknown>): AsyncGenerator<Uint8Array> {
  try {
    for (;;) {
      let r: IteratorResult<unknown>;
      try {
        r = await chunks.next();
      } catch {
        throw cutShort();
      }
      if (r.done) return;
      yield r.value as Uint8Array;
    }
  } finally {
    // Lets go of the request's listeners (Node's iterator with destroyOnReturn false keeps the rest unread).
    await chunks.return?.();
  }
}

/** `read` (whether the body ended), or false once DRAIN_MS have passed. */
async function bounded(read: Promise<boolean>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(resolve, DRAIN_MS, false)));
  try {
    return await Promise.race([read.catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A body sent without a length (chunked) is counted as it streams in, and refused past the limit. */
const chunked = (c: Context) => requestHeader(c, 'transfer-encoding') !== undefined || requestHeader(c, 'content-length') === undefined;

/** The whole body, at most bodyLimit(c) bytes. */
export async function readBytes(c: Context): Promise<Uint8Array<ArrayBuffer>> {
  if (!chunked(c)) {
    try {
      return new Uint8Array(await c.req.arrayBuffer());
    } catch {
      throw cutShort();
    }
  }
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  const limit = bodyLimit(c);
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        throw cutShort();
      }
      if (chunk.done) break;
      size += chunk.value.length;
      if (size > limit) tooLarge(c, await drain(reader));
      parts.push(chunk.value);
    }
  } finally {
    reader.releaseLock();
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    body.set(p, at);
    at += p.length;
  }
  return body;
}

export async function readText(c: Context): Promise<string> {
  return new TextDecoder().decode(await readBytes(c));
}

function mustBeJson(c: Context): void {
  const type = (requestHeader(c, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new DomainError('unsupported_media_type', errorText('error.body.json'));
  }
}

/**
 * JSON whose own content sets how large it may be (protocol §7: a message body may be 64 KiB plus
 * 1 KiB per wrapped key). Read under the route's largest limit (bodyLimit), then held to
 * `limitFor(body)`; a body over MAX_BODY that is not even JSON is refused as too large.
 */
export async function readJsonBodyWithin(c: Context, limitFor: (body: unknown) => number): Promise<unknown> {
  mustBeJson(c);
  const text = chunked(c) ? await readText(c) : undefined;
  const size = text === undefined ? Number(requestHeader(c, 'content-length')) : Buffer.byteLength(text);
  let body: unknown;
  try {
    body = text === undefined ? await c.req.json() : JSON.parse(text);
  } catch (err) {
    if (size > MAX_BODY) tooLarge(c, true, MAX_BODY);
    if (err instanceof DomainError) throw err;
    throw new DomainError('malformed', errorText('error.body.notJson'));
  }
  if (size > MAX_BODY) {
    const limit = limitFor(body);
    if (size > limit) tooLarge(c, true, limit);
  }
  return body;
}

export async function readJsonBody(c: Context): Promise<unknown> {
  mustBeJson(c);
  // With a declared length (checked against the limit before any route ran), @hono/node-server
  // reads the body straight from the socket: the message path's fast way.
  const text = chunked(c) ? await readText(c) : undefined;
  try {
    return text === undefined ? await c.req.json() : JSON.parse(text);
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError('malformed', errorText('error.body.notJson'));
  }
}

export async function readJsonOrForm(c: Context): Promise<unknown> {
  const type = (requestHeader(c, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') return readJsonBody(c);
  if (type !== 'multipart/form-data' && type !== 'application/x-www-form-urlencoded') {
    throw new DomainError('unsupported_media_type', errorText('error.body.jsonOrForm'));
  }
  const bytes = await readBytes(c);
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': requestHeader(c, 'content-type')! } }).formData();
  } catch {
    throw new DomainError('malformed', errorText('error.body.form'));
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (Object.hasOwn(out, key)) continue; // the first of a repeated field, as before
    out[key] = typeof value === 'string' ? value : await value.text();
  }
  return out;
}

