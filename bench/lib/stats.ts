// Small statistics for latency samples (milliseconds) and the one-line result every benchmark
// prints, which bench/run.ts collects into its summary and into docs/performance.md.

/** The q-quantile (0..1) of `samples`, nearest-rank; NaN for no samples. */
export function quantile(samples: ArrayLike<number>, q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export interface Metric {
  /** What was measured, e.g. "enrollments/s". */
  name: string;
  value: number;
  unit: string;
  /** The reference measured in the same run, and what it is. */
  baseline?: { name: string; value: number; unit: string };
  /** value / baseline.value unless the benchmark says otherwise (e.g. a budget). */
  ratio?: number;
  /** The goal in words, e.g. "ratio ≥ 0.9". */
  goal: string;
  pass: boolean;
}

export interface BenchResult {
  bench: string;
  title: string;
  metrics: Metric[];
  /** Facts worth keeping with the figures (load shape, counts). */
  notes: string[];
}

export const RESULT_PREFIX = 'BENCH_RESULT ';

// A NaN crosses the JSON between a bench and run.ts as null: both mean nothing was measured.
const fmt = (n: number | null) => (n === null || Number.isNaN(n) ? 'n/a' : Number.isInteger(n) ? String(n) : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));
export const formatNumber = fmt;

export function metricLine(m: Metric): string {
  const base = m.baseline ? `  baseline ${m.baseline.name} ${fmt(m.baseline.value)} ${m.baseline.unit}` : '';
  const ratio = m.ratio !== undefined ? `  ratio ${fmt(m.ratio)}` : '';
  return `  ${m.pass ? 'PASS' : 'FAIL'}  ${m.name}: ${fmt(m.value)} ${m.unit}${base}${ratio}  (goal ${m.goal})`;
}

/** Prints the human lines and the machine line bench/run.ts reads. */
export function report(result: BenchResult): void {
  console.log(`\n${result.title}`);
  for (const m of result.metrics) console.log(metricLine(m));
  for (const n of result.notes) console.log(`  · ${n}`);
  console.log(RESULT_PREFIX + JSON.stringify(result));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
