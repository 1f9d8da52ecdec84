// Request bodies are read by the route that wants them, after it knows the caller may send one
// (issue 16.7): a body the client abandons is the client's doing, never a logged server error, and
// a caller without a session is refused before a byte of a chunked body is read.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { startServer, type Running } from './helpers/server.ts';
import { webUser, type WebUser } from './helpers/webuser.ts';

let server: Running;
let me: WebUser;

before(async () => {
  server = await startServer(); // request logs on: the test reads them
  me = await webUser(server.url, 'body');
});
after(() => server.stop());

/** A chunked POST whose first chunk is sent at once; the rest is up to the test. */
function chunkedPost(path: string, headers: Record<string, string>): { req: ClientRequest; answer: Promise<IncomingMessage> } {
  const url = new URL(server.url);
  const req = request({ host: url.hostname, port: url.port, method: 'POST', path, headers: { 'content-type': 'application/json', ...headers } });
  const answer = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  req.write('{"v":1,"id":"');
  return { req, answer };
}

const readAll = async (res: IncomingMessage) => {
  const parts: Buffer[] = [];
  for await (const p of res) parts.push(p as Buffer);
  return Buffer.concat(parts).toString('utf8');
};

describe('request bodies', () => {
  it('a chunked body aborted by the client is not a server error', async () => {
    const before = server.output().length;
    for (const path of ['/api/v1/messages', '/api/v1/enroll', '/api/v1/certificates/check', '/ocsp']) {
      const { req, answer } = chunkedPost(path, { authorization: `Bearer ${me.token}` });
      answer.catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
      req.destroy();
      await new Promise((r) => setTimeout(r, 200));
    }
    const log = server.output().slice(before);
    assert.doesNotMatch(log, /unhandled error|"status":5\d\d/, log);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  it('a chunked body without a session is refused with 401 before it is read', async () => {
    const { req, answer } = chunkedPost('/api/v1/messages', {});
    // The body never ends: an answer can only come from a server that did not wait for it.
    const res = await Promise.race([answer, new Promise<undefined>((r) => setTimeout(r, 3_000, undefined))]);
    assert.ok(res, 'answered before the body ended');
    assert.equal(res.statusCode, 401);
    assert.equal(JSON.parse(await readAll(res)).error, 'unauthorized');
    req.destroy();
  });

  it('a chunked body over 64 KiB to a route that reads it is 413 with the error shape', async () => {
    const { req, answer } = chunkedPost('/api/v1/messages', { authorization: `Bearer ${me.token}` });
    req.on('error', () => {}); // the server may close once it has answered
    for (let i = 0; i < 8; i++) req.write('x'.repeat(16 * 1024));
    req.end();
    const res = await answer;
    assert.equal(res.statusCode, 413);
    assert.equal(JSON.parse(await readAll(res)).error, 'payload_too_large');
    req.destroy();
  });

  it('allows a message body 64 KiB plus 1 KiB per wrapped key (protocol §7), with or without a length', async () => {
    // 100 keys allow 164 KiB: a 120 KiB body with them is read and judged by the schema and the
    // relay (not 413); the same size with two keys is too large.
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [i.toString(16), 'k'.repeat(344)]));
    const body = (n: number) => {
      const base = { v: 2, id: crypto.randomUUID(), from: me.login, cert: me.serial, to: me.login, sentAt: new Date().toISOString(), iv: 'x', keys: keys(n), sig: 'x' };
      const pad = 120 * 1024 - JSON.stringify({ ...base, ct: '' }).length;
      return JSON.stringify({ ...base, ct: 'c'.repeat(pad) });
    };
    for (const chunked of [false, true]) {
      for (const [n, expected] of [[100, 400], [2, 413]] as const) {
        const text = body(n);
        const res = await fetch(`${server.url}/api/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${me.token}` },
          body: chunked ? new Blob([text]).stream() : text,
          ...(chunked ? { duplex: 'half' } : {}),
        } as RequestInit);
        const answer = (await res.json()) as { error: string };
        assert.equal(res.status, expected, `${n} keys, ${chunked ? 'chunked' : 'with a length'}: ${JSON.stringify(answer).slice(0, 300)}`);
        assert.equal(answer.error, expected === 413 ? 'payload_too_large' : 'message_rejected');
      }
    }
  });

  it('a chunked JSON body under the limit is read whole', async () => {
    const { req, answer } = chunkedPost('/api/v1/session/challenge', {});
    req.end('"}');
    const res = await answer;
    // {"v":1,"id":""}: read to its end, valid JSON, judged by the route's schema (no login in it).
    assert.equal(res.statusCode, 400);
    const refusal = JSON.parse(await readAll(res));
    assert.equal(refusal.error, 'validation', JSON.stringify(refusal));
    assert.ok(refusal.fields.login, JSON.stringify(refusal));
    const ok = request(new URL(`${server.url}/api/v1/session/challenge`), { method: 'POST', headers: { 'content-type': 'application/json' } });
    const okAnswer = new Promise<IncomingMessage>((resolve) => ok.on('response', resolve));
    ok.write('{"login":');
    ok.end(`"${me.login}"}`);
    const good = await okAnswer;
    assert.equal(good.statusCode, 200);
    assert.match(JSON.parse(await readAll(good)).challenge, /./);
  });
});
