// openRedis (src/store/redis/connect.ts) against a real Redis: a clear error at start when Redis
// cannot be reached (never a half-started server), and while running, loss and recovery reported
// through onState with the connections coming back by themselves; and openRedisShared, which opens
// every redis adapter at once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openRedis, RedisStartError } from '../src/store/redis/connect.ts';
import { openRedisShared } from '../src/store/redis/open.ts';
import { freePort } from './helpers/daemon.ts';
import { redisInstances, until, type RedisInstances } from './helpers/redis-instances.ts';

let redis: RedisInstances;
before(async () => {
  redis = await redisInstances();
});
after(() => redis.stop());

describe('opening Redis', () => {
  it('answers with both connections ready and a fresh instance id each time', async () => {
    const a = await redis.instance();
    const b = await redis.instance();
    assert.equal(a.up, true);
    assert.equal(await a.client.ping(), 'PONG');
    assert.notEqual(a.instanceId, b.instanceId);
    assert.equal(a.key('rate', 'x'), 'tekup:rate:x');
  });

  it('fails at start with RedisStartError naming the address, and without the password', async () => {
    const port = await freePort(); // nothing listens there
    const started = Date.now();
    await assert.rejects(openRedis(`redis://:secret@127.0.0.1:${port}`, { connectTimeoutMs: 3_000 }), (err: Error) => {
      assert.ok(err instanceof RedisStartError);
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.doesNotMatch(err.message, /secret/);
      return true;
    });
    assert.ok(Date.now() - started < 3_000, 'one attempt, not a retry loop');
  });

  it('fails at start when the address does not answer in time', async () => {
    // A listening socket that never speaks Redis: the connect timeout ends the wait.
    const { createServer } = await import('node:net');
    const silent = createServer(() => {}).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const { port } = silent.address() as { port: number };
    try {
      await assert.rejects(openRedis(`redis://127.0.0.1:${port}`, { connectTimeoutMs: 500 }), RedisStartError);
    } finally {
      silent.close();
    }
  });

  it('reports the loss of Redis and its return through onState, and works again after', async () => {
    const states: { up: boolean; detail?: string }[] = [];
    let recovered = 0;
    const c = await redis.instance({ onState: (s) => states.push(s) });
    c.onUp(() => recovered++);
    await redis.server.halt();
    await until(() => states.length >= 1, 'the loss reported');
    assert.equal(states[0]!.up, false);
    assert.equal(typeof states[0]!.detail, 'string');
    assert.equal(c.up, false);
    // Commands fail at once rather than waiting for Redis to come back.
    await assert.rejects(c.client.get('k'));
    await redis.server.start();
    await until(() => c.up, 'back up', 15_000);
    assert.deepEqual(states.at(-1), { up: true });
    assert.equal(recovered, 1);
    assert.equal(await c.client.ping(), 'PONG');
  });
});

describe('opening everything the instances share', () => {
  it('gives every adapter on one pair of connections, and close takes this instance off presence', async () => {
    const a = await openRedisShared(redis.server.url, { retryMaxMs: 100 });
    const b = await openRedisShared(redis.server.url, { retryMaxMs: 100 });
    try {
      assert.equal(a.up, true);
      assert.equal(await a.online.connect('alice'), true);
      assert.equal(await b.online.isOnline('alice'), true);
      await a.challenges.put('c', { login: 'alice', expiresAt: 1 }, 10_000);
      assert.deepEqual(await b.challenges.take('c'), { login: 'alice', expiresAt: 1 });
      assert.equal((await a.counters('x').hit('k', 10_000)).count, 1);
      assert.equal((await b.counters('x').hit('k', 10_000)).count, 2);
      await a.close();
      assert.equal(a.up, false);
      assert.equal(await b.online.isOnline('alice'), false);
    } finally {
      await b.close();
    }
  });

  it('fails with RedisStartError when Redis cannot be reached, leaving nothing open', async () => {
    await assert.rejects(openRedisShared(`redis://127.0.0.1:${await freePort()}`), RedisStartError);
  });
});
