// Starts the real server as a child process exactly as protocol §0 says, on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Authority } from '../../src/pki/authority.ts';
import { PROFILES } from '../../src/pki/profiles.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;

export interface Running {
  url: string;
  port: number;
  dataDir: string;
  proc: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function tempDir(prefix = 'tekup-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * One CA (root RSA-4096, issuing RSA-3072) for every server a test run starts on a fresh data
 * directory. Generating those keys took most of a server's start, over 30 s on a loaded machine,
 * in each of some forty servers. Making the hierarchy is tested by the tests that pass `freshCa`
 * ("the authority on disk" in test/enroll.test.ts) and by every in-process server (helpers/inprocess.ts). Made once per run (the runner's process id names it),
 * atomically, whichever test process gets there first.
 */
async function fixtureCa(): Promise<string> {
  const dir = join(tmpdir(), `tekup-fixture-ca-${process.ppid}`);
  if (existsSync(join(dir, 'ca', 'intermediate.pem'))) return dir;
  const making = mkdtempSync(join(tmpdir(), 'tekup-fixture-making-'));
  await Authority.open(making, PROFILES, () => new Date());
  try {
    renameSync(making, dir);
  } catch {
    rmSync(making, { recursive: true, force: true }); // another test process made it first
  }
  return dir;
}

/**
 * Starts the server on a fresh data directory holding the run's fixture CA (or a CA of its own
 * with `freshCa`), or on `dataDir` as it is. A server that does not come up is killed, so the
 * test fails instead of its process waiting on the child for ever.
 */
export async function startServer(opts: { dataDir?: string; args?: string[]; env?: Record<string, string>; freshCa?: boolean } = {}): Promise<Running> {
  let dataDir = opts.dataDir;
  if (!dataDir) {
    dataDir = tempDir();
    if (!opts.freshCa) cpSync(join(await fixtureCa(), 'ca'), join(dataDir, 'ca'), { recursive: true, mode: 0 });
  }
  const proc = spawn(
    process.execPath,
    ['--import', './src/tsx-hooks.ts', 'src/main.ts', '--port', '0', '--data', dataDir, '--no-tls', ...(opts.args ?? [])],
    { cwd: ROOT, env: { ...process.env, TEKUP_ENROLL_PER_MINUTE: '10000', TEKUP_LOGIN_PER_MINUTE: '10000', TEKUP_ADDRESS_PER_MINUTE: '100000', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server did not start in 30 s:\n${out}`));
    }, 30_000);
    const onData = () => {
      const m = /listening on https?:\/\/[^\s]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    port,
    dataDir,
    proc,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      // A process killed by a signal has no exit code, only a signal code: it is gone all the same.
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      const [code] = await once(proc, 'exit');
      return code as number | null;
    },
  };
}
