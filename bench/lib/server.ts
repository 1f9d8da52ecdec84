// The server under test: the real one, started as protocol §0 says, in its own process, with
// request logs off (writing them is not what is measured) and an empty data directory.
import { readFileSync } from 'node:fs';
import { startServer, type Running } from '../../test/helpers/server.ts';

export type { Running };

/** With BENCH_PROF=DIR set, the server writes a CPU profile there as it stops (every bench). */
export function benchServer(env: Record<string, string> = {}): Promise<Running> {
  const prof: Record<string, string> = process.env.BENCH_PROF ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROF}` } : {};
  return startServer({ args: ['--quiet'], env: { ...prof, ...env } });
}

/** Resident set size of a process, bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}
