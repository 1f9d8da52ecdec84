// A real Redis for a test file: Debian's redis-server on a free loopback port with a temp dir of
// its own, nothing saved to disk, never the system's daemon.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePort, removeAtExit, sleep, startDaemon, type Daemon } from './daemon.ts';

const READY_MS = 30_000;

export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  port: number;
  dir: string;
  /** Stops the server (its data is in memory only: gone), so `start()` brings an empty one back on the same port. */
  halt(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

function binary(): string {
  for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (existsSync(candidate)) return candidate;
  return 'redis-server'; // from PATH, or a clear ENOENT
}

export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tekup-redis-'));
  const forget = removeAtExit(dir);
  const logFile = join(dir, 'redis.log');
  let port = 0;
  let server: Daemon | undefined;
  const launch = (p: number) =>
    startDaemon(
      binary(),
      // --save '' and no AOF: nothing ever written to disk, so shutting down is immediate.
      ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'],
      { logFile, cwd: dir, parentDeath: 'SIGKILL' },
    );

  const bringUp = async (fixedPort?: number) => {
    for (let attempt = 0; ; attempt++) {
      port = fixedPort ?? (await freePort());
      server = launch(port);
      const ready = await waitReady(server, port);
      if (ready === 'ready') return;
      if (ready === 'port taken' && fixedPort === undefined && attempt < 5) continue;
      const log = server.log();
      await server.stop('SIGKILL');
      throw new Error(`redis-server did not start on 127.0.0.1:${port} (${ready}):\n${log}`);
    }
  };

  try {
    await bringUp();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    forget();
    throw err;
  }
  return {
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    dir,
    halt: async () => void (await server?.stop('SIGTERM', 5_000)),
    start: async () => {
      if (server && !server.gone) return;
      await bringUp(port);
    },
    stop: async () => {
      await server?.stop('SIGTERM', 5_000);
      rmSync(dir, { recursive: true, force: true });
      forget();
    },
  };
}

/** PINGs until PONG; a server that exits first lost its port (or failed for good). */
async function waitReady(server: Daemon, port: number): Promise<'ready' | 'port taken' | 'exited' | 'timeout'> {
  const deadline = Date.now() + READY_MS;
  while (Date.now() < deadline) {
    if (server.gone) return /Address already in use|Could not create server TCP listening socket/i.test(server.log()) ? 'port taken' : 'exited';
    if (await pong(port)) return 'ready';
    await sleep(50);
  }
  return 'timeout';
}

/**
 * One inline PING over a plain socket. Not ioredis: a client whose connection was refused keeps
 * the process alive for 2 s afterwards (its disconnectTimeout), for every refused try.
 */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
