// Who is online (has a live event stream) and when each user was last seen. Online state is in
// memory (it dies with the process anyway), or, with several instances, in an OnlineRegistry they
// share (src/chat/online.ts); last-seen times persist through a small port.
import type { OnlineRegistry } from './online.ts';

export interface LastSeenStore {
  get(login: string): Promise<string | undefined>;
  all(): Promise<Map<string, string>>;
  set(login: string, at: string): Promise<void>;
}

const TOUCH_EVERY_MS = 1_000;

export type PresenceListener = (login: string, online: boolean) => void;

export class Presence {
  private readonly connections = new Map<string, number>();
  private readonly listeners = new Set<PresenceListener>();
  /** When touch last wrote each user's time (ms). */
  private readonly written = new Map<string, number>();
  private readonly store: LastSeenStore;
  private readonly now: () => Date;

  private readonly onError: (err: unknown) => void;
  private readonly registry: OnlineRegistry | undefined;

  /** With a registry, changes are announced once across every instance sharing it. */
  constructor(store: LastSeenStore, now: () => Date, onError: (err: unknown) => void = () => {}, registry?: OnlineRegistry) {
    this.onError = onError;
    this.store = store;
    this.now = now;
    this.registry = registry;
    registry?.onChange((login, online) => this.emit(login, online));
  }

  /** Has a stream on this instance. `online`/`onlineAll` answer for every instance. */
  isOnline(login: string): boolean {
    return (this.connections.get(login) ?? 0) > 0;
  }

  online(login: string): Promise<boolean> {
    return this.registry ? this.registry.isOnline(login) : Promise.resolve(this.isOnline(login));
  }

  onlineAll(): Promise<Set<string>> {
    return this.registry ? this.registry.onlineAll() : Promise.resolve(new Set(this.connections.keys()));
  }

  async lastSeen(login: string): Promise<string | null> {
    return (await this.store.get(login)) ?? null;
  }

  lastSeenAll(): Promise<Map<string, string>> {
    return this.store.all();
  }

  onChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A stream opened; the first one makes the user online. */
  connect(login: string): void {
    const n = (this.connections.get(login) ?? 0) + 1;
    this.connections.set(login, n);
    this.touch(login);
    // The registry decides: the user may hold streams on other instances.
    if (this.registry) {
      this.registry.connect(login).then((first) => {
        if (first) this.emit(login, true);
      }, this.onError);
    } else if (n === 1) this.emit(login, true);
  }

  /** A stream closed; the last one makes the user offline. */
  disconnect(login: string): void {
    const n = (this.connections.get(login) ?? 0) - 1;
    this.touch(login);
    if (this.registry) {
      this.registry.disconnect(login).then((last) => {
        if (last) this.emit(login, false);
      }, this.onError);
    }
    if (n > 0) {
      this.connections.set(login, n);
      return;
    }
    this.connections.delete(login);
    if (!this.registry) this.emit(login, false);
  }

  /**
   * Records activity (a login, a sent message). At most one write per user and second: "last
   * seen" is shown as a time ago, and a busy sender would otherwise add a database write to
   * every message.
   */
  touch(login: string): void {
    const now = this.now();
    const t = now.getTime();
    const previous = this.written.get(login);
    if (previous !== undefined && t >= previous && t - previous < TOUCH_EVERY_MS) return;
    if (this.written.size > 100_000) this.written.clear();
    this.written.set(login, t);
    // Not awaited: a last-seen time is a hint, and no request waits for it.
    this.store.set(login, now.toISOString()).catch((err: unknown) => this.onError(err));
  }

  private emit(login: string, online: boolean): void {
    for (const l of this.listeners) l(login, online);
  }
}
