// Clients are told `Keep-Alive: timeout=5` and may reuse an idle connection up to then; one whose
// own clock stalled (a busy machine, a phone waking up, a test running openssl synchronously)
// reuses it later, and a POST sent on a connection closed under it fails with no answer ("other
// side closed", ECONNRESET) and is not retried. The server keeps idle connections 30 s longer
// than it says.
import type { Server } from 'node:http';

export const KEEP_ALIVE_GRACE_MS = 30_000;

export function keepIdleConnectionsLonger(server: unknown): void {
  (server as Server & { keepAliveTimeoutBuffer?: number }).keepAliveTimeoutBuffer = KEEP_ALIVE_GRACE_MS;
}
