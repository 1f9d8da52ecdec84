// The password hash flat out on every core, the limit login and enrollment are measured against
// (issue 23): async crypto.pbkdf2 on libuv's pool at normal priority, or a hashing pool like the
// server's (src/auth/hash-pool.ts, threads at nice 10), with eight hashes in flight either way.
import { pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { availableParallelism } from 'node:os';
import { DEFAULT_PASSWORD_ITERATIONS } from '../../src/config.ts';
import { HashPool } from '../../src/auth/hash-pool.ts';

const derive = promisify(pbkdf2);
const IN_FLIGHT = 8;
let pool: HashPool | undefined;

export interface Hashing {
  done: number;
  ms: number;
}

/** Hashes finished in about `ms` and the time they took (each lane finishes the hash it began). */
export async function hashFlatOut(ms: number, how: 'async' | 'pool' = 'async'): Promise<Hashing> {
  const hashes = how === 'pool' ? (pool ??= new HashPool(availableParallelism())) : undefined;
  let done = 0;
  const start = performance.now();
  const lane = async () => {
    while (performance.now() - start < ms) {
      const salt = randomBytes(16);
      if (hashes) await hashes.pbkdf2({ password: 'correct horse battery staple', salt, iterations: DEFAULT_PASSWORD_ITERATIONS, keylen: 32 });
      else await derive('correct horse battery staple', salt, DEFAULT_PASSWORD_ITERATIONS, 32, 'sha256');
      done++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return { done, ms: performance.now() - start };
}

/**
 * `rounds` rounds of the steps `stepsOf(round)` gives, every other round in reverse order: a
 * machine that slows down (or speeds up) along the run then weighs on every step alike, not most
 * on whichever comes last in each round.
 */
export async function alternatingRounds(rounds: number, stepsOf: (round: number) => Array<() => Promise<unknown>>): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const steps = stepsOf(i);
    for (const step of i % 2 ? steps.toReversed() : steps) await step();
  }
}

/** Hashes a second over all of `runs` together. */
export const rateOf = (runs: Hashing[]): number => (runs.reduce((n, r) => n + r.done, 0) / runs.reduce((t, r) => t + r.ms, 0)) * 1000;
