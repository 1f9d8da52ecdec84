// Protocol §8: uploading an attachment's ciphertext, streamed to disk as it arrives, and reading it
// back whole or by byte ranges (RFC 9110 §14), for the parties of a message that lists it.
import { Hono, type MiddlewareHandler } from 'hono';
import * as v from 'valibot';
import { DomainError } from '../../protocol/errors.ts';
import { SHA256_HEX } from '../../protocol/envelope.ts';
import type { Attachments } from '../../chat/attachment-files.ts';
import type { AuthEnv } from '../auth.ts';
import { alreadyDurable } from '../durable.ts';
import { bodyChunks } from '../body.ts';
import { Readable } from 'node:stream';
import { validHeader, validParam } from '../validate.ts';
import { errorText } from '../../protocol/error-messages.ts';

export interface AttachmentRouteDeps {
  attachments: Attachments;
  auth: MiddlewareHandler<AuthEnv>;
}

const uploadHeaders = v.object({
  'content-type': v.pipe(
    v.string('Send the attachment as application/octet-stream.'),
    v.check((t) => t.split(';')[0].trim().toLowerCase() === 'application/octet-stream', 'Send the attachment as application/octet-stream.'),
  ),
  'content-length': v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'Content-Length must be a number of bytes.'))),
});

const attachmentParam = v.object({
  id: v.pipe(v.string(), v.regex(SHA256_HEX, 'An attachment id is the lowercase hex SHA-256 of its bytes.')),
});

/**
 * RFC 9110 §14.2 for one range (`bytes=a-b`, `bytes=a-`, `bytes=-n`): the bytes to send, 'whole'
 * for a header to ignore (absent, several ranges, another unit, unreadable), or 'unsatisfiable'.
 */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | 'whole' | 'unsatisfiable' {
  const m = header === undefined ? null : /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'whole';
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return 'whole'; // invalid: ignored, as §14.2 allows
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

export function attachmentRoutes(d: AttachmentRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.use('/attachments', d.auth);
  app.use('/attachments/*', d.auth);

  const headers = validHeader(uploadHeaders, (fields) =>
    fields['content-type'] ? new DomainError('unsupported_media_type', fields['content-type']) : new DomainError('validation', errorText('error.validation.headers'), fields),
  );
  app.post('/attachments', headers, async (c) => {
    const login = c.get('session').login;
    const declared = c.req.valid('header')['content-length'];
    const body = bodyChunks(c);
    try {
      const up = await d.attachments.upload(login, body.chunks, declared === undefined ? undefined : Number(declared));
      // The body is synced and the record durable before upload resolves.
      alreadyDurable(c);
      return c.json({ id: up.id, size: up.size }, up.created ? 201 : 200);
    } catch (err) {
      // Read what is left of a refused body so the 413 reaches the client, or close after it.
      if (err instanceof DomainError && (err.code === 'payload_too_large' || err.code === 'quota_exceeded') && !(await body.drainRest())) c.header('connection', 'close');
      throw err;
    }
  });

  app.get('/attachments/:id', validParam(attachmentParam, () => notFound()), async (c) => {
    const file = await d.attachments.download(c.get('session').login, c.req.valid('param').id);
    const range = byteRange(c.req.header('range'), file.size);
    c.header('content-type', 'application/octet-stream');
    c.header('accept-ranges', 'bytes');
    // Ciphertext named by its hash never changes; only its parties may have it.
    c.header('cache-control', 'private, max-age=31536000, immutable');
    if (range === 'unsatisfiable') {
      c.header('content-range', `bytes */${file.size}`);
      return c.body(null, 416);
    }
    if (range === 'whole') {
      c.header('content-length', String(file.size));
      return c.body(streamOf(file.read()), 200);
    }
    c.header('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
    c.header('content-length', String(range.end - range.start + 1));
    return c.body(streamOf(file.read(range)), 206);
  });
  return app;
}

const streamOf = (chunks: AsyncIterable<Uint8Array>) => Readable.toWeb(Readable.from(chunks)) as ReadableStream<Uint8Array>;

// Any malformed id is no attachment of the caller's: the same answer as any other (protocol §8).
const notFound = () => new DomainError('not_found', errorText('error.attachment.notFound'));
