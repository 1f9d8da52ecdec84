// CLI entry: parse flags, build the core and its HTTP face, listen, shut down gracefully.
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpsServer } from 'node:https';
import { serve, type ServerType } from '@hono/node-server';
import { ConfigError, USAGE, loadConfig, withBoundPort } from './config.ts';
import { keepIdleConnectionsLonger } from './web/keep-alive.ts';
import { createCore, type Core } from './core.ts';
import { createHttp, type Http } from './http.ts';
import { jsonLog } from './log.ts';
import { Authority } from './pki/authority.ts';
import { ensureServerCertificate } from './pki/server-cert.ts';
import { PROFILES } from './pki/profiles.ts';
import pkg from '../package.json' with { type: 'json' };

async function serveCommand(argv: string[]): Promise<void> {
  const parsed = loadConfig(argv);
  if (parsed.help) return void console.log(USAGE);
  if (parsed.version) return void console.log(pkg.version);
  const log = jsonLog(parsed.logLevel);

  let tls: { key: Buffer; cert: Buffer } | undefined;
  if (parsed.tls) {
    const ca = await Authority.open(parsed.dataDir, PROFILES, () => new Date());
    const files = await ensureServerCertificate(parsed.dataDir, ca, PROFILES, parsed.hostNames, parsed.publicUrl, new Date());
    tls = { key: readFileSync(files.key), cert: readFileSync(files.cert) };
  }

  // Listen first, answering 503 until the service is built: with --port 0 the real port must be
  // known before certificates carrying the public URL are issued.
  let core: Core | undefined;
  let http: Http | undefined;
  const server: ServerType = serve({
    fetch: (req, env) =>
      http
        ? http.fetch(req, env)
        : new Response('{"error":"internal","message":"Starting; try again in a moment."}', {
            status: 503,
            headers: { 'content-type': 'application/json', 'retry-after': '1' },
          }),
    port: parsed.port,
    hostname: parsed.host,
    ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
  });
  keepIdleConnectionsLonger(server);
  server.once('error', (err) => {
    console.error(`tekup-chat: cannot listen on ${parsed.host}:${parsed.port}: ${err.message}`);
    process.exit(1);
  });
  if (!server.listening) await once(server, 'listening');
  const config = withBoundPort(parsed, (server.address() as AddressInfo).port);
  core = await createCore({ config, log });
  http = createHttp(core);

  const url = `${config.tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  console.log(`TEKUP_chat is listening on ${url}`);
  console.log(`Data directory: ${config.dataDir}`);
  console.log(`Root CA SHA-256 fingerprint (trust this one): ${core.ca.rootFingerprint}`);
  console.log(`Root CA certificate: ${url}/ca/root.pem  (file: ${core.ca.files.rootCert})`);
  // The same facts as one structured line, for whoever collects the logs.
  log('listening', { url, dataDir: config.dataDir, tls: config.tls, rootFingerprint: core.ca.rootFingerprint });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    // Stop accepting, end long-lived streams (SSE), let running requests finish, then checkpoint
    // and close the database.
    server.close(async () => {
      try {
        await core?.close();
      } catch (err) {
        log('close failed', { error: (err as Error).message });
        process.exit(1);
      }
      log('stopped', {});
      process.exit(0);
    });
    void Promise.allSettled((http?.beforeClose ?? []).map(async (hook) => hook())).then(() =>
      // Idle keep-alive connections would hold close() open.
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.(),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'admin') {
    // `admin certs | head`: the reader went away, which is no error of ours.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(process.exitCode ?? 0);
    });
    const { adminCommand } = await import('./admin.ts');
    process.exitCode = await adminCommand(rest);
    return;
  }
  await serveCommand(command === 'serve' ? rest : argv);
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof ConfigError) {
    console.error(`tekup-chat: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`tekup-chat: could not start: ${(err as Error).message}`);
  process.exit(1);
});
