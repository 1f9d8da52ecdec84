// Runs the operator command line (`tekup-chat admin …`) as its own process, the way an operator
// would while the server keeps running on the same data directory.
import { execFile } from 'node:child_process';
import { ROOT } from './server.ts';

export interface AdminRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runAdmin(args: string[], env: Record<string, string> = {}): Promise<AdminRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', './src/tsx-hooks.ts', 'src/main.ts', 'admin', ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs the admin command and expects success; returns its standard output. */
export async function admin(args: string[]): Promise<string> {
  const r = await runAdmin(args);
  if (r.code !== 0) throw new Error(`admin ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}
