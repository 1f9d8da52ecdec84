// The Redis the tests start for themselves (test/helpers/redis.ts): a real server that answers
// ioredis, carries pub/sub between connections (what the event fan-out between instances will
// ride on), and leaves nothing behind once stopped.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { startRedis, type RedisServer } from './helpers/redis.ts';

const started: RedisServer[] = [];
after(async () => {
  await Promise.all(started.map((r) => r.stop()));
});

async function start(): Promise<RedisServer> {
  const r = await startRedis();
  started.push(r);
  return r;
}

describe('the test Redis', () => {
  it('answers ioredis on its URL: SET then GET', async () => {
    const server = await start();
    assert.match(server.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
    const client = new Redis(server.url);
    try {
      assert.equal(await client.set('greeting', 'hello', 'EX', 60), 'OK');
      assert.equal(await client.get('greeting'), 'hello');
      // Nothing is saved to disk: a test server needs no persistence.
      assert.deepEqual(await client.config('GET', 'save'), ['save', '']);
    } finally {
      client.disconnect();
    }
  });

  it('carries a published message to a subscriber on another connection', async () => {
    const server = await start();
    const sub = new Redis(server.url);
    const pub = new Redis(server.url);
    try {
      await sub.subscribe('events');
      const got = once(sub, 'message');
      assert.equal(await pub.publish('events', JSON.stringify({ kind: 'message', seq: 1 })), 1);
      const [channel, text] = await got;
      assert.equal(channel, 'events');
      assert.deepEqual(JSON.parse(text), { kind: 'message', seq: 1 });
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });

  it('starts two at once on different ports', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    assert.notEqual(a.port, b.port);
    const ca = new Redis(a.url);
    const cb = new Redis(b.url);
    try {
      await ca.set('k', 'a');
      assert.equal(await cb.get('k'), null);
    } finally {
      ca.disconnect();
      cb.disconnect();
    }
  });

  it('comes back on the same port after a halt, empty (nothing is kept on disk)', async () => {
    const server = await start();
    const client = new Redis(server.url);
    client.on('error', () => {}); // refused while it is down: the client reconnects by itself
    try {
      await client.set('k', 'v');
      const port = server.port;
      await server.halt();
      await server.start();
      assert.equal(server.port, port);
      assert.equal(await client.get('k'), null);
    } finally {
      client.disconnect();
    }
  });

  it('stop ends the server and removes its directory', async () => {
    const server = await startRedis();
    const client = new Redis(server.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    client.on('error', () => {});
    try {
      await client.connect();
      assert.equal(await client.ping(), 'PONG');
      await server.stop();
      assert.equal(existsSync(server.dir), false);
      await assert.rejects(client.ping());
    } finally {
      client.disconnect();
    }
  });
});
