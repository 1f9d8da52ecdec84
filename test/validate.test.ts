// The one validation path (src/web/validate.ts, issue 18): bodies read by our readers and checked by
// the route's schema, queries and path parameters by @hono/standard-validator, and every failure in
// the protocol's error shape — whatever went wrong, the same shape, through the app's one onError.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import * as v from 'valibot';
import { readJsonOrForm } from '../src/web/body.ts';
import { onError } from '../src/web/errors.ts';
import { checkedBy, validBody, validParam, validQuery } from '../src/web/validate.ts';
import { DomainError } from '../src/protocol/errors.ts';

const item = v.object({
  name: v.pipe(v.string('Enter a name.'), v.nonEmpty('Enter a name.')),
  count: v.pipe(v.number('count is a number.'), v.integer('count is a whole number.')),
});
const FIELDS = ['name', 'count'];

const app = new Hono();
app.onError(onError(() => {}));
app.post('/json', validBody(item, { fields: FIELDS }), (c) => c.json(c.req.valid('json')));
app.post('/either', validBody(item, { read: readJsonOrForm, fields: ['name'] satisfies string[] }), (c) => c.json(c.req.valid('json')));
app.post('/form', validBody(v.object({ name: v.pipe(v.string('Enter a name.'), v.nonEmpty('Enter a name.')) }), { read: readJsonOrForm, fields: ['name'] }), (c) =>
  c.json(c.req.valid('json')),
);
app.post('/strict', validBody(v.strictObject({ on: v.boolean('on is true or false.') }, 'Send {"on": …} and nothing else.')), (c) => c.json(c.req.valid('json')));
app.post(
  '/items/:id/rename',
  validBody(v.object({ name: v.string('Enter a name.') }), { fields: ['name'], param: v.object({ id: v.pipe(v.string(), v.regex(/^\d+$/, 'An id is digits.')) }) }),
  (c) => c.json({ id: c.req.valid('param').id, name: c.req.valid('json').name }),
);
app.post('/envelope', validBody(item, { onInvalid: (fields) => new DomainError('message_rejected', 'This is not a valid envelope.', fields, { reason: 'malformed' }) }), (c) =>
  c.json(c.req.valid('json')),
);
app.get(
  '/list',
  validQuery(v.object({ limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/, 'limit is a number of items.'), v.transform(Number)), '50') })),
  (c) => c.json(c.req.valid('query')),
);
app.get('/items/:id', validParam(v.object({ id: v.pipe(v.string(), v.regex(/^\d+$/, 'An id is digits.')) }), (fields) => new DomainError('validation', fields.id, fields)), (c) =>
  c.json(c.req.valid('param')),
);
app.get('/lenient', validQuery(v.fallback(v.object({ page: v.optional(v.picklist(['a', 'b'])) }), {})), (c) => c.json(c.req.valid('query')));
app.get('/quiet/:name', validParam(v.object({ name: v.pipe(v.string(), v.regex(/^[a-z]+$/)) }), (_fields, c) => c.text('nothing here', 404)), (c) => c.text(c.req.valid('param').name));
let reached = false;
app.post(
  '/guarded',
  async () => {
    throw new DomainError('rate_limited', 'Too many attempts; try again in 5 s.', undefined, { retryAfter: 5 });
  },
  validBody(item, { fields: FIELDS }),
  (c) => {
    reached = true;
    return c.json({});
  },
);

const post = (path: string, body: BodyInit, type?: string, headers: Record<string, string> = {}) =>
  app.request(path, { method: 'POST', body, headers: { ...(type ? { 'content-type': type } : {}), ...headers } });
const postJson = (path: string, body: unknown, headers?: Record<string, string>) => post(path, JSON.stringify(body), 'application/json', headers);

/** The protocol's error shape: a code, a message, and `fields` naming what to fix when there is any. */
async function refusal(res: Response, status: number, code: string): Promise<{ error: string; message: string; fields?: Record<string, string>; [k: string]: unknown }> {
  assert.equal(res.status, status);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = (await res.json()) as { error: string; message: string; fields?: Record<string, string> };
  assert.equal(body.error, code, JSON.stringify(body));
  assert.equal(typeof body.message, 'string');
  assert.ok(body.message.length > 0);
  if (body.fields !== undefined) {
    assert.equal(typeof body.fields, 'object');
    for (const [k, m] of Object.entries(body.fields)) assert.equal(typeof m, 'string', `fields.${k}`);
  }
  return body;
}

describe('validBody', () => {
  it('passes the schema’s output on as c.req.valid("json")', async () => {
    const res = await postJson('/json', { name: 'x', count: 3, extra: 'dropped' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { name: 'x', count: 3 });
  });

  it('a missing field: 400 validation naming it with its own message', async () => {
    const body = await refusal(await postJson('/json', { count: 1 }), 400, 'validation');
    assert.deepEqual(body.fields, { name: 'Enter a name.' });
    assert.equal(body.message, 'One field needs fixing.');
  });

  it('every failing field at once', async () => {
    const body = await refusal(await postJson('/json', {}), 400, 'validation');
    assert.deepEqual(body.fields, { name: 'Enter a name.', count: 'count is a number.' });
    assert.equal(body.message, '2 fields need fixing.');
  });

  it('a wrong type: 400 validation naming the field', async () => {
    const body = await refusal(await postJson('/json', { name: 'x', count: '3' }), 400, 'validation');
    assert.deepEqual(body.fields, { count: 'count is a number.' });
  });

  it('an unknown content type: 415', async () => {
    await refusal(await post('/json', 'name=x', 'text/plain'), 415, 'unsupported_media_type');
    await refusal(await post('/json', 'name=x'), 415, 'unsupported_media_type');
    // A JSON-only route does not take forms.
    await refusal(await post('/json', 'name=x', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    await refusal(await post('/either', 'x', 'text/plain'), 415, 'unsupported_media_type');
  });

  it('malformed JSON: 400 malformed, with or without a declared length', async () => {
    await refusal(await post('/json', '{"name": ', 'application/json'), 400, 'malformed');
    await refusal(await post('/json', '{"name": ', 'application/json', { 'content-length': '9' }), 400, 'malformed');
  });

  it('JSON that is not an object, where fields are picked: 400 malformed', async () => {
    for (const body of [[], 'x', 3, null]) await refusal(await postJson('/json', body), 400, 'malformed');
  });

  it('a strict schema sees the body as sent: anything else is 400 validation', async () => {
    assert.equal((await postJson('/strict', { on: true })).status, 200);
    for (const body of [{ on: true, extra: 1 }, [], {}]) await refusal(await postJson('/strict', body), 400, 'validation');
  });

  it('a form post, urlencoded or multipart, is checked by the same schema', async () => {
    const ok = await post('/form', 'name=Amira', 'application/x-www-form-urlencoded');
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { name: 'Amira' });
    const form = new FormData();
    form.set('name', 'Amira');
    const multipart = await app.request('/form', { method: 'POST', body: form });
    assert.equal(multipart.status, 200);
    assert.deepEqual(await multipart.json(), { name: 'Amira' });
    const file = new FormData();
    file.set('name', new File(['From a file'], 'name.txt'));
    assert.deepEqual(await (await app.request('/form', { method: 'POST', body: file })).json(), { name: 'From a file' });
    const empty = await refusal(await post('/form', 'name=', 'application/x-www-form-urlencoded'), 400, 'validation');
    assert.deepEqual(empty.fields, { name: 'Enter a name.' });
    const missing = await refusal(await post('/form', 'other=1', 'application/x-www-form-urlencoded'), 400, 'validation');
    assert.deepEqual(missing.fields, { name: 'Enter a name.' });
    // The same route takes JSON too.
    assert.equal((await postJson('/form', { name: 'Amira' })).status, 200);
  });

  it('a form that cannot be read: 400 malformed', async () => {
    await refusal(await post('/form', '--x\r\nnot a part', 'multipart/form-data; boundary=x'), 400, 'malformed');
  });

  it('a body over 64 KiB, sent without a length, is 413', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await app.request('/json', { method: 'POST', body, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    await refusal(res, 413, 'payload_too_large');
  });

  it('is not read when a middleware before it refuses', async () => {
    let pulled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull() {
          pulled = true;
        },
      },
      { highWaterMark: 0 }, // pulled only when someone reads
    );
    const res = await app.request('/guarded', { method: 'POST', body, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    const refused = await refusal(res, 429, 'rate_limited');
    assert.equal(refused.retryAfter, 5);
    assert.equal(pulled, false, 'the body was never read');
    assert.equal(reached, false);
  });

  it('checks path parameters with the body: one answer names both', async () => {
    const ok = await postJson('/items/12/rename', { name: 'b' });
    assert.deepEqual(await ok.json(), { id: '12', name: 'b' });
    assert.deepEqual((await refusal(await postJson('/items/x/rename', { name: 'b' }), 400, 'validation')).fields, { id: 'An id is digits.' });
    assert.deepEqual((await refusal(await postJson('/items/x/rename', {}), 400, 'validation')).fields, { id: 'An id is digits.', name: 'Enter a name.' });
  });

  it('a route’s own refusal keeps the shape: code, message, fields and its extras', async () => {
    const body = await refusal(await postJson('/envelope', { name: '', count: 1.5 }), 400, 'message_rejected');
    assert.equal(body.reason, 'malformed');
    assert.equal(body.message, 'This is not a valid envelope.');
    assert.deepEqual(body.fields, { name: 'Enter a name.', count: 'count is a whole number.' });
    // Not an object at all (no fields picked): the schema's own refusal, the route's code.
    const text = await refusal(await postJson('/envelope', 'x'), 400, 'message_rejected');
    assert.ok(text.fields?._, JSON.stringify(text));
  });
});

describe('validQuery and validParam', () => {
  it('a query error: 400 validation naming the parameter', async () => {
    assert.deepEqual(await (await app.request('/list')).json(), { limit: 50 });
    assert.deepEqual(await (await app.request('/list?limit=7')).json(), { limit: 7 });
    const body = await refusal(await app.request('/list?limit=lots'), 400, 'validation');
    assert.deepEqual(body.fields, { limit: 'limit is a number of items.' });
    // Twice is not once: @hono/standard-validator hands the schema both.
    await refusal(await app.request('/list?limit=1&limit=2'), 400, 'validation');
  });

  it('a path parameter error: the route’s message, the field named', async () => {
    assert.deepEqual(await (await app.request('/items/42')).json(), { id: '42' });
    const body = await refusal(await app.request('/items/x'), 400, 'validation');
    assert.equal(body.message, 'An id is digits.');
    assert.deepEqual(body.fields, { id: 'An id is digits.' });
  });

  it('a route may answer with a response of its own, or ignore what it does not understand', async () => {
    const quiet = await app.request('/quiet/ABC');
    assert.equal(quiet.status, 404);
    assert.equal(await quiet.text(), 'nothing here');
    assert.deepEqual(await (await app.request('/lenient?page=a')).json(), { page: 'a' });
    assert.deepEqual(await (await app.request('/lenient?page=zzz')).json(), {});
  });
});

describe('checkedBy', () => {
  it('tells which target and schema a registered handler checks', () => {
    const targets = app.routes.map((r) => `${r.method} ${r.path} ${checkedBy(r.handler)?.target ?? '-'}`);
    assert.ok(targets.includes('POST /json json'), targets.join('\n'));
    assert.ok(targets.includes('GET /list query'));
    assert.ok(targets.includes('GET /items/:id param'));
    assert.equal(checkedBy(app.routes.find((r) => r.path === '/json' && !checkedBy(r.handler))?.handler), undefined);
  });
});
