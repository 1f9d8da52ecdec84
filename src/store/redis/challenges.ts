// The ChallengeStore port (src/auth/challenges.ts) on Redis: a challenge issued by one instance can
// be answered on any, once. SET with an expiry keeps it; GETDEL hands it out and forgets it in one
// step, so of two instances presented with the same challenge only one gets it.
import type { ChallengeStore, IssuedChallenge } from '../../auth/challenges.ts';
import type { RedisConnection } from './connect.ts';

export class RedisChallengeStore implements ChallengeStore {
  private readonly conn: RedisConnection;

  constructor(conn: RedisConnection) {
    this.conn = conn;
  }

  async put(challenge: string, issued: IssuedChallenge, keepMs: number): Promise<void> {
    if (!this.conn.up) throw new Error('Redis is unreachable');
    await this.conn.client.set(this.key(challenge), JSON.stringify(issued), 'PX', Math.max(1, Math.ceil(keepMs)));
  }

  async take(challenge: string): Promise<IssuedChallenge | undefined> {
    if (!this.conn.up) throw new Error('Redis is unreachable');
    const text = await this.conn.client.getdel(this.key(challenge));
    if (text === null) return undefined;
    const v = JSON.parse(text) as IssuedChallenge;
    return { login: v.login, expiresAt: v.expiresAt };
  }

  private key(challenge: string): string {
    return this.conn.key('challenge', challenge);
  }
}
