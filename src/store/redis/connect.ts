// The Redis connections every redis adapter of one instance shares (protocol §9 `--redis-url`):
// one for commands, one for pub/sub (a subscribed connection takes no other command). Opening
// proves Redis answers, so a server never starts half-way; once running, losing Redis is not
// fatal: the adapters fall back to this instance alone, `onState` says so, and the connections
// come back by themselves.
import { createHash, randomUUID } from 'node:crypto';
import { Redis, type RedisOptions as ClientOptions } from 'ioredis';
import { redact } from '../redact.ts';

export interface RedisOptions {
  /** Called on each change: `up: false` when either connection is lost, `up: true` once both are back. */
  onState?: (state: { up: boolean; detail?: string }) => void;
  /** How long to wait for Redis at start (ms). */
  connectTimeoutMs?: number;
  /** A command not answered within this is failed, and the caller falls back (ms). */
  commandTimeoutMs?: number;
  /** Longest pause between two reconnection attempts (ms). */
  retryMaxMs?: number;
  /** Prepended to every key and channel, so that several deployments may share one Redis. */
  prefix?: string;
}

/** Thrown at start when Redis cannot be reached; the message says where and why. */
export class RedisStartError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RedisStartError';
  }
}

export interface RedisConnection {
  readonly client: Redis;
  readonly subscriber: Redis;
  /** This instance among those sharing the Redis: fresh at every start. */
  readonly instanceId: string;
  /** Both connections ready. While false, adapters answer for this instance alone. */
  readonly up: boolean;
  /** A key (or channel) name under the prefix. */
  key(...parts: string[]): string;
  /** Called each time the connections are back after a loss (not at start). */
  onUp(cb: () => void): () => void;
  close(): Promise<void>;
}

/**
 * How often each connection is pinged while idle: the subscriber otherwise sends nothing after
 * subscribing, and a Redis that vanished without closing the socket would go unnoticed.
 */
const PING_MS = 5_000;

export async function openRedis(url: string, o: RedisOptions = {}): Promise<RedisConnection> {
  const instanceId = randomUUID();
  const commandTimeout = o.commandTimeoutMs ?? 2_000;
  const retryMaxMs = o.retryMaxMs ?? 1_000;
  const prefix = o.prefix ?? 'tekup:';
  let started = false;
  let closing = false;
  let lastError = '';

  const options: ClientOptions = {
    lazyConnect: true,
    connectTimeout: o.connectTimeoutMs ?? 10_000,
    commandTimeout,
    // A command waiting for data this long means Redis hangs: the socket is dropped and redialled.
    socketTimeout: commandTimeout * 2,
    // While Redis is away commands fail at once, and callers answer for this instance, rather
    // than queueing behind a connection that may not return soon.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // At start one attempt only (a clear error beats a server waiting silently); after, forever.
    retryStrategy: (times) => (!started || closing ? null : Math.min(50 * 2 ** Math.min(times, 10), retryMaxMs)),
    connectionName: `tekup-chat:${instanceId}`,
  };
  const client = new Redis(url, options);
  const subscriber = new Redis(url, options);
  for (const c of [client, subscriber]) c.on('error', (err: Error) => void (lastError = err.message));

  try {
    await withTimeout(Promise.all([client.connect(), subscriber.connect()]), o.connectTimeoutMs ?? 10_000);
    await client.ping();
  } catch (err) {
    client.disconnect();
    subscriber.disconnect();
    // The socket's own error (ECONNREFUSED, ENOTFOUND…) says more than ioredis's "Connection is closed".
    const why = lastError || (err as Error).message || String(err);
    throw new RedisStartError(`Redis at ${redact(url)} cannot be reached: ${why}`, { cause: err });
  }
  started = true;

  let up = true;
  const upListeners = new Set<() => void>();
  const update = () => {
    if (closing) return;
    const now = client.status === 'ready' && subscriber.status === 'ready';
    if (now === up) return;
    up = now;
    o.onState?.(up ? { up } : { up, detail: lastError || 'connection closed' });
    if (up) for (const cb of upListeners) cb();
  };
  for (const c of [client, subscriber]) for (const ev of ['ready', 'close', 'end', 'reconnecting'] as const) c.on(ev, update);

  const pinger = setInterval(() => {
    for (const c of [client, subscriber]) if (c.status === 'ready') c.ping().catch(() => {});
  }, PING_MS).unref();

  return {
    client,
    subscriber,
    instanceId,
    get up() {
      return up;
    },
    key: (...parts) => prefix + parts.join(':'),
    onUp(cb) {
      upListeners.add(cb);
      return () => upListeners.delete(cb);
    },
    async close() {
      closing = true;
      up = false; // adapters stop using the connections now, not when the sockets are gone
      clearInterval(pinger);
      await Promise.all(
        [client, subscriber].map(async (c) => {
          try {
            if (c.status === 'ready') await c.quit();
          } catch {
            // gone already
          }
          c.disconnect();
        }),
      );
    },
  };
}

/**
 * A Lua script run by its SHA (sent whole only when Redis does not know it yet, e.g. after a
 * restart): atomic on the server, which is what makes the counters and the presence sums exact
 * whichever instances run it at once.
 */
export function script(lua: string, numberOfKeys: number) {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (client: Redis, keys: string[], args: (string | number)[] = []): Promise<unknown> => {
    if (keys.length !== numberOfKeys) throw new Error(`script expects ${numberOfKeys} keys`);
    try {
      return await client.evalsha(sha, numberOfKeys, ...keys, ...args);
    } catch (err) {
      if (!/NOSCRIPT/.test((err as Error).message)) throw err;
      return await client.eval(lua, numberOfKeys, ...keys, ...args);
    }
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Whether a command failed because the connection to Redis is gone (or going). Such failures are
 * not reported one by one: the loss itself is, once, through onState, and the instance serves its
 * own users alone meanwhile. A command sent just as Redis went away fails this way while `up` is
 * still true.
 */
export function isConnectionLoss(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | null;
  if (e?.name === 'MaxRetriesPerRequestError') return true;
  if (typeof e?.code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH)$/.test(e.code)) return true;
  return typeof e?.message === 'string' && /Connection is closed|Stream isn't writeable/.test(e.message);
}
