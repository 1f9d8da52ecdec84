// In-memory fake of the security activity store (src/auth/activity.ts), as src/store/sqlite/activity.ts:
// per login, newest first, trimmed to the newest `keep` as each entry is added.
import type { ActivityStore } from '../../src/auth/activity.ts';
import type { ActivityEntry } from '../../src/protocol/account.ts';

export class FakeActivity implements ActivityStore {
  /** Per login, oldest first. */
  private readonly byLogin = new Map<string, ActivityEntry[]>();
  async add(login: string, entry: ActivityEntry, keep: number): Promise<void> {
    const list = this.byLogin.get(login) ?? [];
    list.push(structuredClone(entry));
    this.byLogin.set(login, list.slice(-keep));
  }
  async recent(login: string, limit: number): Promise<ActivityEntry[]> {
    return (this.byLogin.get(login) ?? []).slice(-limit).reverse().map((e) => structuredClone(e));
  }
}
