// The peer address, for rate limits. Behind no proxy this is the socket's address; in-process
// requests (app.request in tests) have no socket and share one bucket.
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { ActivityOrigin } from '../auth/activity.ts';
import { requestHeader } from './request-header.ts';

export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'local';
  } catch {
    return 'local';
  }
}

/** Where a request came from, for the user's security activity. */
export function requestOrigin(c: Context): ActivityOrigin {
  return { address: clientAddress(c), userAgent: requestHeader(c, 'user-agent') };
}
