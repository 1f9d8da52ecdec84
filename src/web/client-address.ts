// The peer address, for rate limits. Behind no proxy this is the socket's address; in-process
// requests (app.request in tests) have no socket and share one bucket.
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'local';
  } catch {
    return 'local';
  }
}
