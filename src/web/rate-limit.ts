import type { Context, Env, MiddlewareHandler } from 'hono';
import { DomainError } from '../protocol/errors.ts';
import type { RateLimiter } from '../auth/rate-limit.ts';
import { errorText } from '../protocol/error-messages.ts';

/**
 * Counts one attempt against each (limiter, key) pair — across every instance when they share
 * Redis — and the first one over its limit answers 429 with Retry-After.
 */
export async function enforce(c: Context, ...checks: [RateLimiter, string][]): Promise<void> {
  for (const [limiter, key] of checks) {
    const v = await limiter.take(key);
    if (!v.allowed) {
      c.header('Retry-After', String(v.retryAfterSeconds));
      throw new DomainError('rate_limited', errorText('error.rate.attempts', { seconds: v.retryAfterSeconds }), undefined, {
        retryAfter: v.retryAfterSeconds,
      });
    }
  }
}

/**
 * `enforce` as a middleware, for a limit that must be counted before the route reads the body
 * (put it before validBody): one attempt against `limiter` under the caller's key.
 *
 * @example
 * app.post('/api/v1/enroll', limit(perAddress, clientAddress), validBody(schema), handler)
 */
export function limit<E extends Env = Env>(limiter: RateLimiter, key: (c: Context<E>) => string): MiddlewareHandler<E> {
  return async (c, next) => {
    await enforce(c, [limiter, key(c)]);
    await next();
  };
}
