// Login challenges (protocol §3): random, single-use, bound to the login they were issued for,
// valid for two minutes. Kept in memory: a restart only means asking for a new one.
import { CHALLENGE_PREFIX, CHALLENGE_TTL_MS } from '../protocol/session.ts';

interface Issued {
  login: string;
  expiresAt: number;
}

export type ChallengeProblem = 'unknown' | 'expired' | 'other_login';

export class Challenges {
  private readonly issued = new Map<string, Issued>();
  private readonly now: () => number;
  private readonly ttl: number;

  constructor(now: () => number, ttlMs = CHALLENGE_TTL_MS) {
    this.now = now;
    this.ttl = ttlMs;
  }

  /** Issued for any login, known or not, so the answer never tells which logins exist. */
  issue(login: string): { challenge: string; expiresAt: Date } {
    this.sweep();
    const random = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
    const challenge = `${CHALLENGE_PREFIX}${random}`;
    const expiresAt = this.now() + this.ttl;
    this.issued.set(challenge, { login, expiresAt });
    return { challenge, expiresAt: new Date(expiresAt) };
  }

  /** Uses a challenge up, whatever the outcome: it can be presented once only. */
  consume(challenge: string, login: string): ChallengeProblem | undefined {
    const found = this.issued.get(challenge);
    if (!found) return 'unknown';
    this.issued.delete(challenge);
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
