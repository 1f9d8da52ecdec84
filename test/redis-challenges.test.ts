// Login challenges shared by instances: the ChallengeStore port of Challenges
// (src/auth/challenges.ts) on Redis (src/store/redis/challenges.ts), against a real Redis. A
// challenge issued on one instance is answered on another once, never twice, whichever instance
// the second answer reaches; with Redis gone each instance still answers its own.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Challenges } from '../src/auth/challenges.ts';
import { RedisChallengeStore } from '../src/store/redis/challenges.ts';
import type { RedisConnection } from '../src/store/redis/connect.ts';
import { redisInstances, until, type RedisInstances } from './helpers/redis-instances.ts';
import { sleep } from './helpers/daemon.ts';

let redis: RedisInstances;
before(async () => {
  redis = await redisInstances();
});
after(() => redis.stop());

const TTL = 120_000;

async function pair(clock = { t: Date.now() }): Promise<{ a: Challenges; b: Challenges; connA: RedisConnection; connB: RedisConnection }> {
  const connA = await redis.instance();
  const connB = await redis.instance();
  const now = () => clock.t;
  return {
    a: new Challenges(now, TTL, new RedisChallengeStore(connA)),
    b: new Challenges(now, TTL, new RedisChallengeStore(connB)),
    connA,
    connB,
  };
}

describe('the Redis challenge store', () => {
  it('hands a challenge out once, then forgets it', async () => {
    const store = new RedisChallengeStore(await redis.instance());
    await store.put('c1', { login: 'alice', expiresAt: 1234 }, 10_000);
    assert.deepEqual(await store.take('c1'), { login: 'alice', expiresAt: 1234 });
    assert.equal(await store.take('c1'), undefined);
    assert.equal(await store.take('never-issued'), undefined);
  });

  it('drops a challenge once it has been kept for keepMs', async () => {
    const store = new RedisChallengeStore(await redis.instance());
    await store.put('c2', { login: 'alice', expiresAt: 1 }, 150);
    await sleep(300);
    assert.equal(await store.take('c2'), undefined);
  });
});

describe('a challenge issued on A and answered on B', () => {
  it('is accepted once; a second answer on B or on A is refused', async () => {
    const { a, b } = await pair();
    const { challenge, expiresAt } = await a.issue('alice');
    assert.ok(expiresAt.getTime() > Date.now());
    assert.equal(await b.consume(challenge, 'alice'), undefined);
    assert.equal(await b.consume(challenge, 'alice'), 'unknown');
    assert.equal(await a.consume(challenge, 'alice'), 'unknown', 'A’s own copy does not revive it');
  });

  it('says other_login and expired as on one instance, and uses the challenge up all the same', async () => {
    const clock = { t: Date.now() };
    const { a, b } = await pair(clock);
    const one = await a.issue('alice');
    assert.equal(await b.consume(one.challenge, 'mallory'), 'other_login');
    assert.equal(await a.consume(one.challenge, 'alice'), 'unknown');
    const two = await a.issue('alice');
    clock.t += TTL + 1;
    assert.equal(await b.consume(two.challenge, 'alice'), 'expired');
  });

  it('two instances answering at once: exactly one is accepted', async () => {
    const { a, b } = await pair();
    for (let i = 0; i < 20; i++) {
      const { challenge } = await a.issue('alice');
      const verdicts = await Promise.all([a.consume(challenge, 'alice'), b.consume(challenge, 'alice')]);
      assert.equal(verdicts.filter((v) => v === undefined).length, 1, JSON.stringify(verdicts));
    }
  });

  it('without a store, issue and consume are the in-memory ones', async () => {
    const alone = new Challenges(() => Date.now(), TTL);
    const { challenge } = await alone.issue('alice');
    assert.equal(await alone.consume(challenge, 'alice'), undefined);
    assert.equal(await alone.consume(challenge, 'alice'), 'unknown');
  });

  it('with Redis gone, each instance answers its own challenges without throwing; shared again once it is back', async () => {
    const { a, b, connA, connB } = await pair();
    await redis.server.halt();
    await until(() => !connA.up && !connB.up, 'both see Redis gone');
    const mine = await a.issue('alice');
    assert.equal(await b.consume(mine.challenge, 'alice'), 'unknown', 'B cannot know of it');
    assert.equal(await a.consume(mine.challenge, 'alice'), undefined, 'A answers its own');
    assert.equal(await a.consume(mine.challenge, 'alice'), 'unknown', 'once');
    // Issued during the outage, answered after it: still A's own.
    const held = await a.issue('alice');

    await redis.server.start();
    await until(() => connA.up && connB.up, 'both back', 15_000);
    assert.equal(await a.consume(held.challenge, 'alice'), undefined);
    const after = await a.issue('alice');
    assert.equal(await b.consume(after.challenge, 'alice'), undefined);
  });
});
