// Child processes the benchmarks start besides the server (baselines such as a bare Hono app or
// `openssl ocsp`), with their port read from what they print.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface Child {
  proc: ChildProcess;
  port: number;
  output: () => string;
  stop(): Promise<void>;
}

export async function startChild(cmd: string, args: string[], portFrom: RegExp | number, opts: { cwd?: string } = {}): Promise<Child> {
  const proc = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const port =
    typeof portFrom === 'number'
      ? portFrom
      : await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${cmd} did not start:\n${out}`)), 30_000);
          const check = () => {
            const m = portFrom.exec(out);
            if (m) {
              clearTimeout(timer);
              resolve(Number(m[1]));
            }
          };
          proc.stdout!.on('data', check);
          proc.stderr!.on('data', check);
          proc.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`${cmd} exited with ${code}:\n${out}`));
          });
        });
  return {
    proc,
    port,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await once(proc, 'exit');
    },
  };
}
