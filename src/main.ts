// CLI entry: parse flags, build the service, listen, shut down gracefully.
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { serve, type ServerType } from '@hono/node-server';
import { ConfigError, USAGE, loadConfig } from './config.ts';
import { createService } from './app.ts';
import { jsonLog } from './log.ts';
import { ensureServerCertificate } from './pki/server-cert.ts';
import { PROFILES } from './pki/profiles.ts';
import pkg from '../package.json' with { type: 'json' };

async function serveCommand(argv: string[]): Promise<void> {
  const config = loadConfig(argv);
  if (config.help) return void console.log(USAGE);
  if (config.version) return void console.log(pkg.version);
  const log = jsonLog(config.logLevel);
  const service = await createService({ config, log });

  let tls: { key: Buffer; cert: Buffer } | undefined;
  if (config.tls) {
    const files = await ensureServerCertificate(config.dataDir, service.ca, PROFILES, config.hostNames, config.publicUrl, new Date());
    tls = { key: readFileSync(files.key), cert: readFileSync(files.cert) };
  }
  const server: ServerType = serve(
    {
      fetch: service.app.fetch,
      port: config.port,
      hostname: config.host,
      ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}),
    },
    (info) => {
      const url = `${config.tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${info.port}`;
      console.log(`TEKUP_chat is listening on ${url}`);
      console.log(`Data directory: ${config.dataDir}`);
      console.log(`Root CA SHA-256 fingerprint (trust this one): ${service.ca.rootFingerprint}`);
      console.log(`Root CA certificate: ${url}/ca/root.pem  (file: ${service.ca.files.rootCert})`);
    },
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(async () => {
      await service.close();
      process.exit(0);
    });
    // Idle keep-alive and long-lived streams would hold close() open.
    (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'admin') {
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
