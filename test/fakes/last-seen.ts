// In-memory fake of the last-seen times (src/chat/presence.ts), as src/store/sqlite/last-seen.ts.
import type { LastSeenStore } from '../../src/chat/presence.ts';

export class FakeLastSeen implements LastSeenStore {
  private readonly times = new Map<string, string>();
  async get(login: string): Promise<string | undefined> {
    return this.times.get(login);
  }
  async all(): Promise<Map<string, string>> {
    return new Map(this.times);
  }
  async set(login: string, at: string): Promise<void> {
    this.times.set(login, at);
  }
}
