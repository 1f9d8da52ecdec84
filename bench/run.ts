// `npm run bench`: runs each benchmark of bench/ in turn, each in its own process and bounded in
// time, prints every figure with its baseline, ratio and verdict, and a summary.
//   npm run bench                      all of them (a few minutes)
//   npm run bench -- sse ocsp          only those
//   npm run bench -- --docs            also write the figures into docs/performance.md
//   npm run bench -- --strict          exit 1 when a goal is missed (a crash always exits 1)
// Everything runs on loopback: servers on 127.0.0.1, load generators in worker threads of the
// benchmark process, each server in a process of its own.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describeHiccups, measureHiccups } from './lib/hiccups.ts';
import { RESULT_PREFIX, formatNumber, metricLine, type BenchResult } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** In this order: the cheapest to read first, throttling last (it needs no warm machine). */
export const BENCHES = ['enroll', 'chat-storm', 'messages', 'devices', 'groups', 'attachments', 'sse', 'cluster', 'ocsp', 'throttle'] as const;
const TIMEOUT_MS = 180_000;
/** Longer for benchmarks that start several servers (cluster: PostgreSQL, Redis, three server processes, two parts servers, 20,000 warm-up requests each). */
const TIMEOUTS: Partial<Record<string, number>> = { cluster: 600_000, groups: 300_000 };
const DOCS = join(ROOT, 'docs', 'performance.md');
const BEGIN = '<!-- bench:begin (written by npm run bench -- --docs) -->';
const END = '<!-- bench:end -->';

interface Outcome {
  name: string;
  result?: BenchResult;
  error?: string;
  seconds: number;
}

function runOne(name: string): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', './src/tsx-hooks.ts', `bench/${name}.bench.ts`], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let result: BenchResult | undefined;
    let err = '';
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith(RESULT_PREFIX)) result = JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchResult;
        else console.log(line);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      err += chunk;
      process.stderr.write(chunk);
    });
    const limit = TIMEOUTS[name] ?? TIMEOUT_MS;
    const timer = setTimeout(() => {
      err += `\ntimed out after ${limit / 1000} s`;
      child.kill('SIGKILL');
    }, limit);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      if (code === 0 && result) resolve({ name, result, seconds });
      else resolve({ name, seconds, error: `exited ${code ?? signal}${result ? '' : ', no result'}${err ? `: ${err.trim().split('\n').slice(-3).join(' / ')}` : ''}` });
    });
  });
}

function machine(): Record<string, string> {
  let openssl = 'unknown';
  try {
    openssl = execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    /* not installed */
  }
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    cpu: `${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    os: `Linux ${release()}`,
    node: process.version,
    openssl,
    load: `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the start (the machine is shared)`,
  };
}

function markdown(outcomes: Outcome[], m: Record<string, string>): string {
  const lines = [
    BEGIN,
    `Measured ${m.date} on ${m.cpu}, ${m.memory}, ${m.os}; Node ${m.node}; ${m.openssl}; ${m.load}; ${m.hiccups} (before the first benchmark).`,
    '',
    '| benchmark | measured | baseline (same run) | ratio | goal | |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const o of outcomes) {
    if (!o.result) {
      lines.push(`| ${o.name} | did not finish: ${o.error} | | | | FAIL |`);
      continue;
    }
    for (const x of o.result.metrics) {
      const base = x.baseline ? `${x.baseline.name}: ${formatNumber(x.baseline.value)} ${x.baseline.unit}` : '';
      lines.push(
        `| ${o.name} | ${x.name}: **${formatNumber(x.value)} ${x.unit}** | ${base} | ${x.ratio === undefined ? '' : formatNumber(x.ratio)} | ${x.goal} | ${x.pass ? 'PASS' : '**FAIL**'} |`,
      );
    }
  }
  lines.push('', 'Details of that run:', '');
  for (const o of outcomes) for (const n of o.result?.notes ?? []) lines.push(`- ${o.name}: ${n.replace(/\|/g, '\\|')}`);
  lines.push(END);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const wanted = args.filter((a) => !a.startsWith('--'));
  const unknown = wanted.filter((w) => !(BENCHES as readonly string[]).includes(w));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; there are ${BENCHES.join(', ')}`);
    return 2;
  }
  const names = wanted.length ? BENCHES.filter((b) => wanted.includes(b)) : [...BENCHES];
  const m = machine();
  console.log(`TEKUP_chat benchmarks — ${m.cpu}, Node ${m.node}, ${m.load}`);
  // Before any benchmark: tails under ~10 ms are partly the machine's when it pauses threads that long.
  m.hiccups = describeHiccups(measureHiccups());
  console.log(m.hiccups);

  const outcomes: Outcome[] = [];
  for (const name of names) {
    console.log(`\n▶ ${name}`);
    const o = await runOne(name);
    outcomes.push(o);
    console.log(`  (${o.seconds.toFixed(0)} s)`);
  }

  console.log('\nSummary');
  for (const o of outcomes) {
    if (!o.result) console.log(`  FAIL  ${o.name}: ${o.error}`);
    else for (const x of o.result.metrics) console.log(metricLine(x).replace(/^ {2}/, `  [${o.name}] `));
  }

  if (args.includes('--docs')) {
    const text = readFileSync(DOCS, 'utf8');
    const a = text.indexOf(BEGIN);
    const b = text.indexOf(END);
    if (a < 0 || b < a) throw new Error(`${DOCS} has no ${BEGIN} … ${END} section to replace`);
    writeFileSync(DOCS, text.slice(0, a) + markdown(outcomes, m) + text.slice(b + END.length));
    console.log(`\nFigures written to docs/performance.md`);
  }
  const crashed = outcomes.some((o) => !o.result);
  const missed = outcomes.some((o) => o.result?.metrics.some((x) => !x.pass));
  return crashed || (missed && args.includes('--strict')) ? 1 : 0;
}

process.exitCode = await main();
