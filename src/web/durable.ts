// An answer to a request that may have changed something leaves only once the change is on disk
// (a revocation, a logout, a registration): commits do not wait for the disk themselves
// (src/store/sqlite/sqlite.ts), so every non-GET answer waits for the store's `durable` here.
import type { Context, MiddlewareHandler } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by a route whose writes were all on disk before it answered (see `alreadyDurable`). */
    durable: true;
  }
}

/** `durable` resolves once everything the store committed so far is on disk. */
export function durableAnswers(durable: () => Promise<void>): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !c.get('durable')) await durable();
  };
}

/**
 * For a route that awaited the sync of its last write itself. `durable()` waits until everything
 * committed so far is on disk, other requests' commits included: under load a second call would
 * wait for one more sync for other people's writes, adding a disk round trip to every answer.
 */
export function alreadyDurable(c: Context): void {
  c.set('durable', true);
}
