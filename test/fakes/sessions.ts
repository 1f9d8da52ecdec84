// In-memory fake of the session store (src/auth/sessions.ts), mirroring src/store/sqlite/sessions.ts:
// one record per token hash (a second insert throws), a login's live sessions newest first.
import type { SessionRecord, SessionStore } from '../../src/auth/sessions.ts';

export class FakeSessionStore implements SessionStore {
  /** In insertion order (SQLite's rowid), which breaks ties between equal `createdAt`. */
  private readonly rows = new Map<string, SessionRecord>();

  insert(s: SessionRecord): void {
    if (this.rows.has(s.tokenHash)) throw new Error('UNIQUE constraint failed: sessions.token_hash');
    this.rows.set(s.tokenHash, { ...s });
  }

  get(tokenHash: string): SessionRecord | undefined {
    const s = this.rows.get(tokenHash);
    return s && { ...s };
  }

  forLogin(login: string, now: string): SessionRecord[] {
    return [...this.rows.values()]
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.login === login && s.expiresAt > now)
      .sort((a, b) => (a.s.createdAt > b.s.createdAt ? -1 : a.s.createdAt < b.s.createdAt ? 1 : b.i - a.i))
      .map(({ s }) => ({ ...s }));
  }

  delete(tokenHash: string): void {
    this.rows.delete(tokenHash);
  }

  private deleteWhere(test: (s: SessionRecord) => boolean): number {
    let n = 0;
    for (const [k, s] of this.rows) if (test(s)) (this.rows.delete(k), n++);
    return n;
  }

  deleteForCertificate(serial: string): number {
    return this.deleteWhere((s) => s.certSerial === serial);
  }

  deleteOthers(login: string, keep: string): number {
    return this.deleteWhere((s) => s.login === login && s.tokenHash !== keep);
  }

  deleteExpired(now: string): void {
    this.deleteWhere((s) => s.expiresAt <= now);
  }

  /** Every record, live or not (for assertions). */
  all(): SessionRecord[] {
    return [...this.rows.values()].map((s) => ({ ...s }));
  }
}
