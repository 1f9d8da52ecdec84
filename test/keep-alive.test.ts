// A client may reuse an idle keep-alive connection for as long as the server advertised, and a
// client whose clock stalled reuses it later: the server must not have closed it under them. A
// POST sent on a connection the server closed fails with no answer and is not retried (CI saw
// "fetch failed: other side closed" when a test blocked its event loop running openssl).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type Running } from './helpers/server.ts';

let server: Running;
before(async () => {
  server = await startServer({ args: ['--quiet'] });
});
after(() => server.stop());

const challenge = () =>
  fetch(`${server.url}/api/v1/session/challenge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"login":"someone"}' });

/** Blocks this thread (the client's event loop, timers included) without using the CPU. */
const stall = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('keep-alive', () => {
  it('advertises 5 s and still serves a POST on a connection idle for 8 s by a client whose clock stalled', async () => {
    const first = await challenge();
    assert.equal(first.status, 200);
    assert.match(first.headers.get('keep-alive') ?? '', /timeout=5/);
    await first.arrayBuffer();
    stall(8_000);
    const second = await challenge();
    assert.equal(second.status, 200);
    assert.ok((await second.json()).challenge);
  });
});
