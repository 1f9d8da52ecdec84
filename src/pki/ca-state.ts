// The CA's own small counters, kept durably (a port; the SQLite adapter is src/store/ca-state.ts).
export interface CaState {
  /**
   * The next CRL number (RFC 5280 §5.2.3): strictly greater than every number handed out before,
   * across restarts and processes, so relying parties can tell a newer CRL from an older one.
   */
  nextCrlNumber(): number;
}
