// The machine's own pauses: a thread that only reads the clock, alone, sees a gap wherever the
// (virtual) CPU was taken from it — another tenant, the hypervisor. On this shared 2-vCPU machine
// they reach ~10 ms with nothing else running, which is the same order as the latency goals, so a
// run prints them beside its tails.

export interface Hiccups {
  /** How long the thread looked (ms). */
  ms: number;
  /** Gaps over 1 ms, longest first (ms). */
  gaps: number[];
}

/** Busy-reads the clock on this thread for `ms` (it blocks), noting every gap over 1 ms. */
export function measureHiccups(ms = 5_000): Hiccups {
  const gaps: number[] = [];
  const end = performance.now() + ms;
  let last = performance.now();
  for (let t = last; t < end; t = performance.now()) {
    if (t - last > 1) gaps.push(t - last);
    last = t;
  }
  return { ms, gaps: gaps.sort((a, b) => b - a) };
}

export function describeHiccups(h: Hiccups): string {
  const longest = h.gaps.length ? `, longest ${h.gaps.slice(0, 5).map((g) => g.toFixed(1)).join(', ')} ms` : '';
  return `machine pauses: a thread alone with the clock for ${h.ms / 1000} s lost the CPU ${h.gaps.length} times for over 1 ms${longest}`;
}
