// What the PostgreSQL and Redis helpers share: a free loopback port, a server process whose output
// goes to a log file in its temp dir, a stop that escalates when the process will not go, and a
// last-chance kill when a test file exits without stopping what it started.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
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

// Killed synchronously at exit, so a test file that dies before its after() hook leaves no server
// behind (they are unref'd: nothing else would end them). SIGQUIT is PostgreSQL's immediate
// shutdown, which still frees its shared memory; Redis dies of it too.
const live = new Map<ChildProcess, string>();
process.once('exit', () => {
  for (const [child, dir] of live) {
    try {
      child.kill('SIGQUIT');
    } catch {
      // already gone
    }
    waitGone(child.pid, 2_000);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Blocks (the process is exiting: no event loop left) until `pid` is gone or `ms` pass. */
function waitGone(pid: number | undefined, ms: number): void {
  if (pid === undefined) return;
  const until = Date.now() + ms;
  const tick = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    Atomics.wait(tick, 0, 0, 20);
  }
}

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
 * Starts `command` with its stdout and stderr appended to `logFile`; `dir` is removed by the exit
 * hook if the test file ends with the process still running.
 */
export function startDaemon(command: string, args: string[], opts: { dir: string; logFile: string } & Pick<SpawnOptions, 'uid' | 'gid' | 'env' | 'cwd'>): Daemon {
  const fd = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { cwd: opts.cwd, env: opts.env, uid: opts.uid, gid: opts.gid, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd); // the child holds its own copy
  }
  child.unref();
  live.set(child, opts.dir);
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
