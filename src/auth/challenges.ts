// Login challenges (protocol §3): random, single-use, bound to the login they were issued for,
// valid for two minutes. Kept in memory: a restart only means asking for a new one. With several
// instances (protocol §9) a challenge issued by one may be answered on another: a ChallengeStore
// shares them, and hands each out once only whichever instance asks.
import { CHALLENGE_PREFIX, CHALLENGE_TTL_MS } from '../protocol/session.ts';

export interface IssuedChallenge {
  login: string;
  /** Epoch ms, on the issuing instance's clock. */
  expiresAt: number;
}

/**
 * Challenges every instance shares. `put` keeps one for `keepMs` (longer than its life, so that a
 * late answer is told "expired" rather than "unknown"); `take` returns it and forgets it in one
 * step, so of two instances asking for the same challenge one gets it. Both reject when the store
 * cannot be reached.
 */
export interface ChallengeStore {
  put(challenge: string, issued: IssuedChallenge, keepMs: number): Promise<void>;
  take(challenge: string): Promise<IssuedChallenge | undefined>;
}

interface Local extends IssuedChallenge {
  /** The shared store has it: from then on the store, not this copy, says whether it is unused. */
  shared: boolean;
}

export type ChallengeProblem = 'unknown' | 'expired' | 'other_login';

/** How long the store keeps a challenge past its expiry, to answer "expired" for it. */
const KEEP_EXPIRED_MS = 60_000;

export class Challenges {
  private readonly issued = new Map<string, Local>();
  private readonly now: () => number;
  private readonly ttl: number;
  private readonly store: ChallengeStore | undefined;

  constructor(now: () => number, ttlMs = CHALLENGE_TTL_MS, store?: ChallengeStore) {
    this.now = now;
    this.ttl = ttlMs;
    this.store = store;
  }

  /** A new challenge in this instance's memory, which `issue` then shares. */
  private issueHere(login: string): { challenge: string; expiresAt: Date } {
    this.sweep();
    const random = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
    const challenge = `${CHALLENGE_PREFIX}${random}`;
    const expiresAt = this.now() + this.ttl;
    this.issued.set(challenge, { login, expiresAt, shared: false });
    return { challenge, expiresAt: new Date(expiresAt) };
  }

  /**
   * Issued for any login, known or not, so the answer never tells which logins exist; resolves
   * once every instance can answer it. While the shared store cannot be reached the challenge
   * stays this instance's own (answerable here only) rather than failing the login.
   */
  async issue(login: string): Promise<{ challenge: string; expiresAt: Date }> {
    const issued = this.issueHere(login);
    const local = this.issued.get(issued.challenge)!;
    if (this.store) {
      try {
        await this.store.put(issued.challenge, { login, expiresAt: local.expiresAt }, this.ttl + KEEP_EXPIRED_MS);
        local.shared = true;
      } catch {
        // degraded: this instance only
      }
    }
    return issued;
  }

  /**
   * Uses up a challenge any instance may have issued, whatever the outcome: it can be presented
   * once only.
   */
  async consume(challenge: string, login: string): Promise<ChallengeProblem | undefined> {
    const local = this.issued.get(challenge);
    this.issued.delete(challenge);
    let found: IssuedChallenge | undefined = local;
    if (this.store) {
      try {
        const shared = await this.store.take(challenge);
        // A local copy the store never got (issued while it was unreachable) is judged here; one
        // it got and no longer has was used on another instance.
        if (!local || local.shared) found = shared;
      } catch {
        // degraded: only this instance's own challenges can be answered
      }
    }
    return this.judge(found, login);
  }

  private judge(found: IssuedChallenge | undefined, login: string): ChallengeProblem | undefined {
    if (!found) return 'unknown';
    if (this.now() > found.expiresAt) return 'expired';
    if (found.login !== login) return 'other_login';
    return undefined;
  }

  private sweep(): void {
    if (this.issued.size < 10_000) return;
    const t = this.now();
    for (const [k, v] of this.issued) if (t > v.expiresAt) this.issued.delete(k);
  }
}
