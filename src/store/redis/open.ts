// What the instances share through Redis (protocol §9 `--redis-url`), opened as one: the event
// relay, the online registry, the challenge store and the rate counters, on one instance's pair of
// connections. Either everything is ready or RedisStartError is thrown and nothing is left open.
import { openRedis, RedisStartError, type RedisConnection, type RedisOptions } from './connect.ts';
import { RedisEventRelay } from './event-relay.ts';
import { RedisOnlineRegistry, type RedisOnlineOptions } from './online.ts';
import { RedisChallengeStore } from './challenges.ts';
import { RedisRateCounters } from './rate-counters.ts';

export interface RedisSharedOptions extends RedisOptions {
  /** Something that went wrong in the background (an event not published, a heartbeat failed). */
  onError?: (err: unknown) => void;
  /** Presence timings; the defaults suit a server (dead instances' users offline within ~20 s). */
  online?: Omit<RedisOnlineOptions, 'onError'>;
}

export interface RedisShared {
  connection: RedisConnection;
  relay: RedisEventRelay;
  online: RedisOnlineRegistry;
  challenges: RedisChallengeStore;
  /** The counters of one limit; `name` keeps limits apart (e.g. 'passwordGuesses'). */
  counters(name: string): RedisRateCounters;
  /** Both connections ready; false while this instance serves alone. */
  readonly up: boolean;
  /** Takes this instance's streams off presence at once, then closes the connections. */
  close(): Promise<void>;
}

export async function openRedisShared(url: string, o: RedisSharedOptions = {}): Promise<RedisShared> {
  const connection = await openRedis(url, o);
  const onError = o.onError ?? (() => {});
  let relay: RedisEventRelay;
  let online: RedisOnlineRegistry;
  try {
    relay = await RedisEventRelay.open(connection, { onError });
    online = await RedisOnlineRegistry.open(connection, { ...o.online, onError });
  } catch (err) {
    await connection.close();
    throw new RedisStartError(`Redis answered but could not be set up: ${(err as Error).message}`, { cause: err });
  }
  const challenges = new RedisChallengeStore(connection);
  return {
    connection,
    relay,
    online,
    challenges,
    counters: (name) => new RedisRateCounters(connection, name),
    get up() {
      return connection.up;
    },
    async close() {
      await online.close();
      await connection.close();
    },
  };
}
