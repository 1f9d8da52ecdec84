// A fixed-window counter per key (an address, a login). In memory by default: one process serves
// the whole service, and losing the counters on restart only forgives a few attempts. With several
// instances (protocol §9) the counts are shared through a RateCounters port, so spreading attempts
// over instances does not multiply the limit.
export interface Verdict {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * Counters every instance shares. `hit` counts one attempt on `key` in a fixed window that opens
 * with the key's first attempt and lasts `windowMs`, as the in-memory window does, and says how
 * many attempts the window holds and how long it has left. It rejects when the shared store cannot
 * be reached; the limiter then judges by this instance's own counts.
 */
export interface RateCounters {
  hit(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly counters: RateCounters | undefined;

  constructor(limit: number, windowMs: number, now: () => number = Date.now, counters?: RateCounters) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.now = now;
    this.counters = counters;
  }

  /** Counts one attempt for `key` on this instance's own counts. */
  private countHere(key: string): Verdict {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      if (this.windows.size > 100_000) this.sweep(t);
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    const allowed = w.count <= this.limit;
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000)) };
  }

  /**
   * Counts one attempt for `key` and says whether it is within the limit: across every instance
   * when shared counters are given. The attempt is counted here too, so that while the shared
   * store is unreachable this instance still limits what it sees (and says so with the same
   * verdicts) rather than letting everything through.
   */
  async take(key: string): Promise<Verdict> {
    const local = this.countHere(key);
    if (!this.counters) return local;
    let shared: { count: number; resetInMs: number };
    try {
      shared = await this.counters.hit(key, this.windowMs);
    } catch {
      return local; // degraded to this instance; the connection's own report says so
    }
    const allowed = shared.count <= this.limit;
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(shared.resetInMs / 1000)) };
  }

  private sweep(t: number): void {
    for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
  }
}
