// The service built in this process with an injected clock, served on a loopback port: for tests
// that need time to move (expired certificates, expired challenges) without sleeping.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { loadConfig, withBoundPort } from '../../src/config.ts';
import { keepIdleConnectionsLonger } from '../../src/web/keep-alive.ts';
import { createCore, type Core } from '../../src/core.ts';
import { createHttp, type Http } from '../../src/http.ts';
import { tempDir } from './server.ts';

export interface InProcess {
  url: string;
  service: Core;
  dataDir: string;
  clock: { now: Date };
  close(): Promise<void>;
}

/** `dataDir` reopens the state of an earlier run (a restart); a fresh directory otherwise. */
export async function startInProcess(opts: { now?: Date; env?: Record<string, string>; dataDir?: string } = {}): Promise<InProcess> {
  const clock = { now: opts.now ?? new Date() };
  const dataDir = opts.dataDir ?? tempDir();
  let service: Core | undefined;
  let http: Http | undefined;
  // The bindings go along, as @hono/node-server gives them, so the app sees the socket (addresses).
  const server = serve({ fetch: (req, env) => http!.fetch(req, env), port: 0, hostname: '127.0.0.1' });
  keepIdleConnectionsLonger(server); // as the real server does (src/main.ts)
  if (!server.listening) await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const config = withBoundPort(
    loadConfig(['--no-tls', '--quiet', '--port', '0', '--data', dataDir], {
      TEKUP_ENROLL_PER_MINUTE: '10000',
      TEKUP_LOGIN_PER_MINUTE: '10000',
      TEKUP_ADDRESS_PER_MINUTE: '100000',
      ...opts.env,
    }),
    port,
  );
  service = await createCore({ config, log: () => {}, now: () => clock.now });
  http = createHttp(service);
  return {
    url: `http://127.0.0.1:${port}`,
    service,
    dataDir,
    clock,
    async close() {
      server.close();
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await service!.close();
    },
  };
}
