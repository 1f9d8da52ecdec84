// In-memory fake of the session store (src/auth/sessions.ts), mirroring src/store/sqlite/sessions.ts:
// one record per token hash (a second insert throws), a login's live sessions newest first.
import type { SessionRecord, SessionStore } from '../../src/auth/sessions.ts';

export class FakeSessionStore implements SessionStore {
  /** In insertion order (SQLite's rowid), which breaks ties between equal `createdAt`. */
  private readonly rows = new Map<string, SessionRecord>();

  async insert(s: SessionRecord): Promise<void> {
    if (this.rows.has(s.tokenHash)) throw new Error('UNIQUE constraint failed: sessions.token_hash');
    this.rows.set(s.tokenHash, { ...s });
  }

  async get(tokenHash: string): Promise<SessionRecord | undefined> {
    const s = this.rows.get(tokenHash);
    return s && { ...s };
  }

  async forLogin(login: string, now: string): Promise<SessionRecord[]> {
    return [...this.rows.values()]
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.login === login && s.expiresAt > now)
      .sort((a, b) => (a.s.createdAt > b.s.createdAt ? -1 : a.s.createdAt < b.s.createdAt ? 1 : b.i - a.i))
      .map(({ s }) => ({ ...s }));
  }

  async delete(tokenHash: string): Promise<void> {
    this.rows.delete(tokenHash);
  }

  private deleteWhere(test: (s: SessionRecord) => boolean): number {
    let n = 0;
    for (const [k, s] of this.rows) if (test(s)) (this.rows.delete(k), n++);
    return n;
  }

  async deleteForCertificate(serial: string): Promise<number> {
    return this.deleteWhere((s) => s.certSerial === serial);
  }

  async deleteOthers(login: string, keep: string): Promise<number> {
    return this.deleteWhere((s) => s.login === login && s.tokenHash !== keep);
  }

  async deleteExpired(now: string): Promise<void> {
    this.deleteWhere((s) => s.expiresAt <= now);
  }

  /** Every record, live or not (for assertions). */
  all(): SessionRecord[] {
    return [...this.rows.values()].map((s) => ({ ...s }));
  }
}
