// The RateCounters port (src/auth/rate-limit.ts) on Redis: one key per limit and caller, counted
// with INCR by whichever instance sees the attempt. The first attempt sets the key's expiry, so the
// window opens with it and lasts windowMs, as the in-memory window does; one script, so that the
// count and the expiry cannot be split by a crash or a concurrent attempt.
import type { RateCounters } from '../../auth/rate-limit.ts';
import { script, type RedisConnection } from './connect.ts';

// A key left without an expiry (PTTL -1: a crash between two commands of another client, or a
// Redis that lost it) is given one, so a counter can never block a caller for good.
const HIT = script(
  `local count = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  left = tonumber(ARGV[1])
end
return {count, left}`,
  1,
);

export class RedisRateCounters implements RateCounters {
  private readonly conn: RedisConnection;
  private readonly name: string;

  /** `name` keeps each limit's counters apart (a login's guesses from its challenges). */
  constructor(conn: RedisConnection, name: string) {
    this.conn = conn;
    this.name = name;
  }

  async hit(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }> {
    if (!this.conn.up) throw new Error('Redis is unreachable');
    const [count, resetInMs] = (await HIT(this.conn.client, [this.conn.key('rate', this.name, key)], [windowMs])) as [number, number];
    return { count: Number(count), resetInMs: Number(resetInMs) };
  }
}
