// Several server instances sharing one test Redis, as far as the redis adapters see them: each
// instance is its own pair of connections (openRedis) with its own instance id, as a process
// would open them. Everything opened is closed, and the Redis stopped, by `stop`.
import assert from 'node:assert/strict';
import { openRedis, type RedisConnection, type RedisOptions } from '../../src/store/redis/connect.ts';
import { startRedis, type RedisServer } from './redis.ts';

export interface RedisInstances {
  server: RedisServer;
  /** One more instance. Reconnects fast (100 ms at most between tries) so recovery tests are short. */
  instance(o?: RedisOptions): Promise<RedisConnection>;
  stop(): Promise<void>;
}

export async function redisInstances(): Promise<RedisInstances> {
  const server = await startRedis();
  const opened: RedisConnection[] = [];
  return {
    server,
    async instance(o = {}) {
      const c = await openRedis(server.url, { retryMaxMs: 100, ...o });
      opened.push(c);
      return c;
    },
    async stop() {
      await Promise.all(opened.map((c) => c.close()));
      await server.stop();
    },
  };
}

/** Asks `probe` every 20 ms until it holds; fails with `what` after `ms`. */
export async function until(probe: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) assert.fail(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
