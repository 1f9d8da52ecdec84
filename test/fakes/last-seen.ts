// In-memory fake of the last-seen times (src/chat/presence.ts), as src/store/sqlite/last-seen.ts.
import type { LastSeenStore } from '../../src/chat/presence.ts';

export class FakeLastSeen implements LastSeenStore {
  private readonly times = new Map<string, string>();
  get(login: string): string | undefined {
    return this.times.get(login);
  }
  all(): Map<string, string> {
    return new Map(this.times);
  }
  set(login: string, at: string): void {
    this.times.set(login, at);
  }
}
