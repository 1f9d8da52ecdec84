// Who holds a live event stream, across every instance (protocol §9). One process keeps this in
// memory (src/chat/presence.ts, the default); several share an OnlineRegistry, so that a user
// connected to any instance is online for all, and "online"/"offline" is announced once, on the
// user's first stream anywhere and their last.
export type OnlineChange = (login: string, online: boolean) => void;

/**
 * None of these reject: while the shared registry cannot be reached an adapter answers for this
 * instance alone, and sets things right with the others once it is back.
 */
export interface OnlineRegistry {
  /** A stream opened on this instance; true when it is the user's first on any instance. */
  connect(login: string): Promise<boolean>;
  /** A stream closed on this instance; true when it was the user's last on any instance. */
  disconnect(login: string): Promise<boolean>;
  isOnline(login: string): Promise<boolean>;
  onlineAll(): Promise<Set<string>>;
  /**
   * Changes no connect or disconnect here returned: an instance that died took its users' streams
   * with it, or this instance's view was set right after an outage. Each is reported by one instance.
   */
  onChange(cb: OnlineChange): void;
}
