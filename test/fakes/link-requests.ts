// In-memory fake of the device-link request store (src/auth/link-requests.ts), as
// src/store/sqlite/link-requests.ts: one request per id (a second create throws), each change of
// state only from the state the port names (and before expiry where it says so), a login's pending
// requests oldest first, equal times in the order they were created.
import type { LinkRequest, LinkRequestStore } from '../../src/auth/link-requests.ts';

export class FakeLinkRequests implements LinkRequestStore {
  /** In insertion order (SQLite's rowid), which breaks ties between equal `createdAt`. */
  private readonly rows = new Map<string, LinkRequest>();

  async create(r: LinkRequest): Promise<void> {
    if (this.rows.has(r.id)) throw new Error('UNIQUE constraint failed: link_requests.id');
    this.rows.set(r.id, { ...r });
  }

  async get(id: string): Promise<LinkRequest | undefined> {
    const r = this.rows.get(id);
    return r && { ...r };
  }

  async pending(login: string, now: string): Promise<LinkRequest[]> {
    return [...this.rows.values()]
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => r.login === login && r.state === 'pending' && r.expiresAt > now)
      .sort((a, b) => (a.r.createdAt < b.r.createdAt ? -1 : a.r.createdAt > b.r.createdAt ? 1 : a.i - b.i))
      .map(({ r }) => ({ ...r }));
  }

  /** The request if it is pending and, given `now`, not expired. */
  private live(id: string, now?: string): LinkRequest | undefined {
    const r = this.rows.get(id);
    return r && r.state === 'pending' && (now === undefined || r.expiresAt > now) ? r : undefined;
  }

  async wrongCode(id: string, max: number, now: string): Promise<number | undefined> {
    const r = this.live(id, now);
    if (!r) return undefined;
    r.wrongCodes += 1;
    if (r.wrongCodes >= max) r.state = 'failed';
    return r.wrongCodes;
  }

  async claim(id: string, now: string): Promise<boolean> {
    const r = this.live(id, now);
    if (!r) return false;
    r.state = 'approving';
    return true;
  }

  async release(id: string): Promise<void> {
    const r = this.rows.get(id);
    if (r?.state === 'approving') r.state = 'pending';
  }

  async approve(id: string, serial: string, answer: string): Promise<void> {
    const r = this.rows.get(id);
    if (r?.state === 'approving') Object.assign(r, { state: 'approved', serial, answer });
  }

  async refuse(id: string): Promise<boolean> {
    const r = this.live(id);
    if (!r) return false;
    r.state = 'refused';
    return true;
  }

  async deleteExpired(before: string): Promise<number> {
    let n = 0;
    for (const [id, r] of this.rows) if (r.expiresAt < before) (this.rows.delete(id), n++);
    return n;
  }

  /** Every request, in any state (for assertions). */
  all(): LinkRequest[] {
    return [...this.rows.values()].map((r) => ({ ...r }));
  }
}
