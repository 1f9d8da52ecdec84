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
  insert(s: SessionRecord): void;
  get(tokenHash: string): SessionRecord | undefined;
  /** The login's live sessions, newest first. */
  forLogin(login: string, now: string): SessionRecord[];
  delete(tokenHash: string): void;
  deleteForCertificate(serial: string): number;
  /** Every session of `login` but the one whose token hashes to `keep`; how many. */
  deleteOthers(login: string, keep: string): number;
  deleteExpired(now: string): void;
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

  open(login: string, certSerial: string, userAgent?: string): { token: string; expiresAt: Date } {
    const now = this.now();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    this.store.deleteExpired(now.toISOString());
    const agent = userAgent?.trim().slice(0, USER_AGENT_MAX);
    this.store.insert({ tokenHash: hashToken(token), login, certSerial, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString(), ...(agent ? { userAgent: agent } : {}) });
    return { token, expiresAt };
  }

  /** The live session a token names, or undefined (unknown, ended or expired). */
  find(token: string): SessionRecord | undefined {
    return this.byHash(hashToken(token));
  }

  /** The live session whose token hashes to `tokenHash` (what an open event stream remembers). */
  byHash(tokenHash: string): SessionRecord | undefined {
    const s = this.store.get(tokenHash);
    if (!s) return undefined;
    if (s.expiresAt <= this.now().toISOString()) {
      this.store.delete(s.tokenHash);
      return undefined;
    }
    return s;
  }

  /** Where `login` is logged in, the session of `token` marked as the current one. */
  list(login: string, token: string): SessionSummary[] {
    const current = hashToken(token);
    return this.store.forLogin(login, this.now().toISOString()).map((s) => ({
      id: sessionId(s),
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
      userAgent: s.userAgent ?? null,
      current: s.tokenHash === current,
    }));
  }

  /** Ends one of `login`'s sessions by its id; false when `login` has none by that id. */
  closeById(login: string, id: string): boolean {
    const s = this.store.forLogin(login, this.now().toISOString()).find((r) => sessionId(r) === id);
    if (!s) return false;
    this.store.delete(s.tokenHash);
    return true;
  }

  close(token: string): void {
    this.store.delete(hashToken(token));
  }

  /** Ends every other session of the user of `token` (after a password change). */
  closeOthers(login: string, token: string): number {
    return this.store.deleteOthers(login, hashToken(token));
  }

  /** Ends every session opened with a certificate, at once (revocation, renewal). */
  closeForCertificate(serial: string): number {
    return this.store.deleteForCertificate(serial);
  }
}
