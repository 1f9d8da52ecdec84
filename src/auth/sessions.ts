// Sessions: opaque random tokens, kept only as their SHA-256 so a copy of the database grants
// nothing. The store is a port; src/store/sessions.ts implements it over SQLite.
import { hash, randomBytes } from 'node:crypto';
import type { SessionSummary } from '../protocol/session.ts';

export interface SessionRecord {
  tokenHash: string;
  login: string;
  certSerial: string;
  createdAt: string;
  expiresAt: string;
  /** The User-Agent of the login that opened it (at most USER_AGENT_MAX characters). */
  userAgent?: string;
}

export interface SessionStore {
  insert(s: SessionRecord): Promise<void>;
  get(tokenHash: string): Promise<SessionRecord | undefined>;
  /** The login's live sessions, newest first. */
  forLogin(login: string, now: string): Promise<SessionRecord[]>;
  delete(tokenHash: string): Promise<void>;
  deleteForCertificate(serial: string): Promise<number>;
  /** Every session of `login` but the one whose token hashes to `keep`; how many. */
  deleteOthers(login: string, keep: string): Promise<number>;
  deleteExpired(now: string): Promise<void>;
}

export const SESSION_TTL_MS = 12 * 3600_000;
export const USER_AGENT_MAX = 256;

/** How a session is named to its owner: a prefix of its token's hash, which reveals nothing of the token. */
export const sessionId = (s: SessionRecord) => s.tokenHash.slice(0, 16);

/** One-shot: every authenticated request hashes its token, and crypto.hash skips the Hash object. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

export class Sessions {
  private readonly store: SessionStore;
  private readonly now: () => Date;
  constructor(store: SessionStore, now: () => Date) {
    this.store = store;
    this.now = now;
  }

  async open(login: string, certSerial: string, userAgent?: string): Promise<{ token: string; expiresAt: Date }> {
    const now = this.now();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await this.store.deleteExpired(now.toISOString());
    const agent = userAgent?.trim().slice(0, USER_AGENT_MAX);
    await this.store.insert({ tokenHash: hashToken(token), login, certSerial, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString(), ...(agent ? { userAgent: agent } : {}) });
    return { token, expiresAt };
  }

  /** The live session a token names, or undefined (unknown, ended or expired). */
  async find(token: string): Promise<SessionRecord | undefined> {
    return this.byHash(hashToken(token));
  }

  /** The live session whose token hashes to `tokenHash` (what an open event stream remembers). */
  async byHash(tokenHash: string): Promise<SessionRecord | undefined> {
    const s = await this.store.get(tokenHash);
    if (!s) return undefined;
    if (s.expiresAt <= this.now().toISOString()) {
      await this.store.delete(s.tokenHash);
      return undefined;
    }
    return s;
  }

  /** The login's sessions not expired, newest first. */
  async live(login: string): Promise<SessionRecord[]> {
    return this.store.forLogin(login, this.now().toISOString());
  }

  /** Where `login` is logged in, the session of `token` marked as the current one. */
  async list(login: string, token: string): Promise<SessionSummary[]> {
    const current = hashToken(token);
    return (await this.store.forLogin(login, this.now().toISOString())).map((s) => ({
      id: sessionId(s),
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
      userAgent: s.userAgent ?? null,
      current: s.tokenHash === current,
    }));
  }

  /** Ends one of `login`'s sessions by its id; false when `login` has none by that id. */
  async closeById(login: string, id: string): Promise<boolean> {
    const s = (await this.store.forLogin(login, this.now().toISOString())).find((r) => sessionId(r) === id);
    if (!s) return false;
    await this.store.delete(s.tokenHash);
    return true;
  }

  async close(token: string): Promise<void> {
    await this.store.delete(hashToken(token));
  }

  /** Ends every other session of the user of `token` (after a password change). */
  async closeOthers(login: string, token: string): Promise<number> {
    return await this.store.deleteOthers(login, hashToken(token));
  }

  /** Ends every session opened with a certificate, at once (revocation, renewal). */
  async closeForCertificate(serial: string): Promise<number> {
    return await this.store.deleteForCertificate(serial);
  }
}
