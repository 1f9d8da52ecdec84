// What the PostgreSQL and Redis helpers share: a free loopback port, a server process whose output
// goes to a log file in its temp dir, a stop that escalates when the process will not go, and a
// last-chance kill when a test file exits without stopping what it started.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A port that was free on 127.0.0.1 a moment ago (the kernel's pick for port 0). Another process
 * may take it before our server binds it, so callers retry with a fresh one when the bind fails.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// At exit, synchronously: the servers still running are killed (they are unref'd, nothing else
// would end them) and the directories not yet removed are, so a test file that fails before its
// after() hook leaves nothing behind. Each server gets the signal it would get from the kernel if
// the test process died of a signal, which runs no exit hook: then only the temp dirs stay.
const live = new Map<ChildProcess, NodeJS.Signals>();
const dirs = new Set<string>();
process.once('exit', () => {
  for (const [child, signal] of live) {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
  for (const child of live.keys()) waitGone(child.pid, 3_000);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Removes `dir` when the process exits, unless the returned function is called first. */
export function removeAtExit(dir: string): () => void {
  dirs.add(dir);
  return () => void dirs.delete(dir);
}

/** Whether `pid` still runs; an exited child nobody reaped yet (a zombie) does not. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    try {
      process.kill(pid, 0); // no /proc here: ask the kernel (a zombie then counts as running)
      return true;
    } catch {
      return false;
    }
  }
}

/** Blocks (the process is exiting: no event loop left) until `pid` is gone or `ms` pass. */
function waitGone(pid: number | undefined, ms: number): void {
  if (pid === undefined) return;
  const until = Date.now() + ms;
  const tick = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < until && running(pid)) Atomics.wait(tick, 0, 0, 20);
}

// setpriv (util-linux) asks the kernel to signal the server when its parent, the test process,
// dies however it dies, then execs the server in place (same pid).
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

export interface Daemon {
  readonly child: ChildProcess;
  /** Settles when the process has exited (with its exit code, or the signal's name). */
  readonly exited: Promise<number | string>;
  /** Whether it has exited. */
  readonly gone: boolean;
  /** The end of its log, for error messages. */
  log(): string;
  /**
   * Sends `signal`, then SIGQUIT and SIGKILL if it is still there after `graceMs` each; resolves
   * once it has exited.
   */
  stop(signal: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/**
 * Starts `command` with its stdout and stderr appended to `logFile`. `parentDeath` is the signal
 * it gets if the test process ends without stopping it (by the exit hook, or by the kernel where
 * setpriv is available).
 */
export function startDaemon(
  command: string,
  args: string[],
  opts: { logFile: string; parentDeath: NodeJS.Signals } & Pick<SpawnOptions, 'uid' | 'gid' | 'env' | 'cwd'>,
): Daemon {
  const fd = openSync(opts.logFile, 'a');
  // Node sets the uid and gid before exec; setpriv then runs as that user already, so no later
  // change of credentials clears the parent-death signal.
  const [file, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', opts.parentDeath.replace(/^SIG/, ''), '--', command, ...args]] : [command, args];
  let child: ChildProcess;
  try {
    child = spawn(file, argv, { cwd: opts.cwd, env: opts.env, uid: opts.uid, gid: opts.gid, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd); // the child holds its own copy
  }
  child.unref();
  live.set(child, opts.parentDeath);
  let gone = false;
  const exited = new Promise<number | string>((resolve) => {
    const done = (code: number | string) => {
      gone = true;
      live.delete(child);
      resolve(code);
    };
    child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown'));
    child.once('error', (err) => done(err.message)); // e.g. the binary is missing
  });
  return {
    child,
    exited,
    get gone() {
      return gone;
    },
    log: () => tail(opts.logFile),
    async stop(signal, graceMs = 10_000) {
      // Referenced while we wait: an unref'd child's exit would not keep the event loop alive to
      // deliver it.
      child.ref();
      for (const s of [signal, 'SIGQUIT', 'SIGKILL'] as const) {
        if (gone) return;
        child.kill(s);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
      }
      await exited;
    },
  };
}

/** The last lines of a log file ('' when there is none). */
export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
