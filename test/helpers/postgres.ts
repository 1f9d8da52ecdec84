// A real PostgreSQL for a test file: initdb in a temp dir of its own and a postmaster on a free
// loopback port (its unix socket in that dir too), never the system's cluster. PostgreSQL refuses
// to run as root, and CI runs as root: then initdb and the server run as an unprivileged system
// user, `tekup-test`, made on first use (or `nobody` where no user can be made).
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort, removeAtExit, sleep, startDaemon, tail, type Daemon } from './daemon.ts';

const TEST_USER = 'tekup-test';
const DATABASE = 'tekup';
const READY_MS = 60_000;

export interface Postgres {
  /** `postgres://postgres@127.0.0.1:PORT/tekup`: a superuser, trusted on loopback. */
  url: string;
  port: number;
  dir: string;
  /** Stops the server (fast shutdown) but keeps its data, so `start()` brings it back on the same port. */
  halt(): Promise<void>;
  start(): Promise<void>;
  /** Fast shutdown, then removes its directory. */
  stop(): Promise<void>;
}

/**
 * Debian installs the server's binaries under /usr/lib/postgresql/VERSION/bin, off PATH; the newest
 * there wins over anything on PATH (an unrelated /usr/local build, say). Elsewhere pg_config says.
 */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length) return join(root, versions[0], 'bin');
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb and no pg_config (Debian: apt-get install postgresql)');
  }
}

interface Account {
  uid: number;
  gid: number;
}

let account: Account | undefined | null = null;

function lookup(name: string): Account | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/**
 * Whom initdb and postgres run as: ourselves unless we are root; then a system user with no home
 * and no shell, so a test server can read nothing of root's. Node's spawn sets the uid and gid
 * itself (and drops root's supplementary groups), so no runuser or PAM session is involved.
 */
function runAs(): Account | undefined {
  if (account !== null) return account;
  if (process.getuid?.() !== 0) return (account = undefined);
  let found = lookup(TEST_USER);
  if (!found) {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', TEST_USER], {
        stdio: 'ignore',
      });
    } catch {
      // Another test process made it a moment ago, or this system has no useradd.
    }
    found = lookup(TEST_USER) ?? lookup('nobody');
  }
  if (!found) throw new Error(`running as root, and neither ${TEST_USER} nor nobody exists to run PostgreSQL as`);
  return (account = found);
}

/** Starts a fresh PostgreSQL and creates the database its `url` names. */
export async function startPostgres(): Promise<Postgres> {
  const bin = binDir();
  const who = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'tekup-pg-'));
  const forget = removeAtExit(dir);
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  // A minimal environment: nothing of the caller's PG* variables, locale or home leaks in.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };
  const as = who ? { uid: who.uid, gid: who.gid } : {};
  try {
    if (who) chownSync(dir, who.uid, who.gid);
    await promisify(execFile)(join(bin, 'initdb'), ['-D', data, '--no-sync', '--auth=trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C'], {
      ...as,
      env,
      cwd: dir,
      timeout: 120_000,
    }).catch((err: Error & { stderr?: string }) => {
      throw new Error(`initdb failed: ${err.stderr || err.message}`);
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    forget();
    throw err;
  }

  let port = 0;
  let server: Daemon | undefined;
  const launch = (p: number) =>
    startDaemon(
      join(bin, 'postgres'),
      [
        ...['-D', data, '-k', dir, '-h', '127.0.0.1', '-p', String(p)],
        // Test data is thrown away: no syncs, and nothing a crash could need.
        ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
        ...['-c', 'shared_buffers=32MB', '-c', 'timezone=UTC', '-c', 'log_min_messages=warning'],
      ],
      { logFile, env, cwd: dir, ...as, parentDeath: 'SIGQUIT' }, // immediate shutdown: still frees its shared memory
    );

  // Until the server answers: a server that exits first lost its port to someone else (retry on
  // another) or failed for good; one that never answers is killed.
  const bringUp = async (fixedPort?: number) => {
    for (let attempt = 0; ; attempt++) {
      port = fixedPort ?? (await freePort());
      server = launch(port);
      const ready = await waitReady(server, port);
      if (ready === 'ready') return;
      const log = tail(logFile);
      if (ready === 'port taken' && fixedPort === undefined && attempt < 5) continue;
      await server.stop('SIGQUIT', 2_000);
      throw new Error(`PostgreSQL did not start on 127.0.0.1:${port} (${ready}):\n${log}`);
    }
  };

  try {
    await bringUp();
    const admin = connect(port, 'postgres');
    try {
      await admin.unsafe(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await server?.stop('SIGQUIT', 2_000);
    rmSync(dir, { recursive: true, force: true });
    forget();
    throw err;
  }

  return {
    get url() {
      return `postgres://postgres@127.0.0.1:${port}/${DATABASE}`;
    },
    get port() {
      return port;
    },
    dir,
    // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the data stays consistent.
    halt: async () => void (await server?.stop('SIGINT')),
    start: async () => {
      if (server && !server.gone) return;
      await bringUp(port);
    },
    stop: async () => {
      await server?.stop('SIGINT');
      rmSync(dir, { recursive: true, force: true });
      forget();
    },
  };
}

function connect(port: number, database: string) {
  return postgres({ host: '127.0.0.1', port, user: 'postgres', database, max: 1, connect_timeout: 5, onnotice: () => {} });
}

async function waitReady(server: Daemon, port: number): Promise<'ready' | 'port taken' | 'exited' | 'timeout'> {
  const deadline = Date.now() + READY_MS;
  while (Date.now() < deadline) {
    if (server.gone) return /could not bind|Address already in use|could not create any TCP\/IP sockets/.test(server.log()) ? 'port taken' : 'exited';
    const sql = connect(port, 'postgres');
    try {
      await sql`select 1`;
      return 'ready';
    } catch {
      // refused (not listening yet) or 57P03 "the database system is starting up"
    } finally {
      await sql.end({ timeout: 1 });
    }
    await sleep(100);
  }
  return 'timeout';
}
