// Rate limits counted across instances: the RateCounters port of RateLimiter (src/auth/rate-limit.ts)
// on Redis (src/store/redis/rate-counters.ts), against a real Redis. Attempts spread over two
// instances count as one; with Redis gone each instance limits what it sees itself.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../src/auth/rate-limit.ts';
import { RedisRateCounters } from '../src/store/redis/rate-counters.ts';
import { redisInstances, until, type RedisInstances } from './helpers/redis-instances.ts';
import { sleep } from './helpers/daemon.ts';

let redis: RedisInstances;
before(async () => {
  redis = await redisInstances();
});
after(() => redis.stop());

describe('Redis rate counters', () => {
  it('count hits in a window that opens with the first one, and start again after it', async () => {
    const conn = await redis.instance();
    const counters = new RedisRateCounters(conn, 'unit');
    const first = await counters.hit('1.2.3.4', 400);
    assert.equal(first.count, 1);
    assert.ok(first.resetInMs > 0 && first.resetInMs <= 400);
    assert.equal((await counters.hit('1.2.3.4', 400)).count, 2);
    assert.equal((await counters.hit('5.6.7.8', 400)).count, 1, 'another key');
    assert.equal((await new RedisRateCounters(conn, 'other').hit('1.2.3.4', 400)).count, 1, 'another limit');
    await sleep(450);
    assert.equal((await counters.hit('1.2.3.4', 400)).count, 1, 'a new window');
  });

  it('give a counter left without an expiry one, so it cannot block for good', async () => {
    const conn = await redis.instance();
    await conn.client.set(conn.key('rate', 'stuck', 'k'), '7');
    const hit = await new RedisRateCounters(conn, 'stuck').hit('k', 1_000);
    assert.equal(hit.count, 8);
    assert.ok((await conn.client.pttl(conn.key('rate', 'stuck', 'k'))) > 0);
  });
});

describe('a limit shared by two instances', () => {
  it('counts attempts on A and B together, and the refusal says how long to wait', async () => {
    const a = new RateLimiter(3, 60_000, Date.now, new RedisRateCounters(await redis.instance(), 'guesses'));
    const b = new RateLimiter(3, 60_000, Date.now, new RedisRateCounters(await redis.instance(), 'guesses'));
    assert.equal((await a.take('alice')).allowed, true);
    assert.equal((await b.take('alice')).allowed, true);
    assert.equal((await a.take('alice')).allowed, true);
    // B's second attempt: within the limit on B's own counts, the fourth across both.
    const refused = await b.take('alice');
    assert.equal(refused.allowed, false);
    assert.ok(refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 60, String(refused.retryAfterSeconds));
    assert.equal((await a.take('alice')).allowed, false);
    assert.equal((await a.take('bob')).allowed, true, 'another login has its own count');
  });

  it('lets exactly the limit through when both instances are hit at once', async () => {
    const a = new RateLimiter(10, 60_000, Date.now, new RedisRateCounters(await redis.instance(), 'burst'));
    const b = new RateLimiter(10, 60_000, Date.now, new RedisRateCounters(await redis.instance(), 'burst'));
    const verdicts = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).take('1.2.3.4')));
    assert.equal(verdicts.filter((v) => v.allowed).length, 10);
  });

  it('without shared counters, take is the in-memory window', async () => {
    let t = 1_000_000;
    const alone = new RateLimiter(2, 60_000, () => t);
    assert.deepEqual(await alone.take('k'), { allowed: true, retryAfterSeconds: 0 });
    assert.deepEqual(await alone.take('k'), { allowed: true, retryAfterSeconds: 0 });
    assert.deepEqual(await alone.take('k'), { allowed: false, retryAfterSeconds: 60 });
    t += 60_000;
    assert.equal((await alone.take('k')).allowed, true);
  });

  it('with Redis gone, each instance limits what it sees without throwing, and shares again once it is back', async () => {
    const connA = await redis.instance();
    const connB = await redis.instance();
    const a = new RateLimiter(2, 60_000, Date.now, new RedisRateCounters(connA, 'outage'));
    const b = new RateLimiter(2, 60_000, Date.now, new RedisRateCounters(connB, 'outage'));
    await redis.server.halt();
    await until(() => !connA.up && !connB.up, 'both see Redis gone');
    assert.equal((await a.take('carol')).allowed, true);
    assert.equal((await a.take('carol')).allowed, true);
    const local = await a.take('carol');
    assert.equal(local.allowed, false, 'A still counts its own attempts');
    assert.ok(local.retryAfterSeconds >= 1);
    assert.equal((await b.take('carol')).allowed, true, 'B cannot know of A’s');

    await redis.server.start();
    await until(() => connA.up && connB.up, 'both back', 15_000);
    // The restarted Redis is empty: the shared count starts again, and is shared.
    assert.equal((await a.take('dave')).allowed, true);
    assert.equal((await b.take('dave')).allowed, true);
    assert.equal((await a.take('dave')).allowed, false);
  });
});
