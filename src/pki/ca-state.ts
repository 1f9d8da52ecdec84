// The CA's own small counters, kept durably (a port; the SQLite adapter is src/store/ca-state.ts).
export interface CaState {
  /**
   * The next CRL number (RFC 5280 §5.2.3): strictly greater than every number handed out before,
   * across restarts and processes, so relying parties can tell a newer CRL from an older one.
   * Resolves once the number is on disk: a CRL served with a number a power cut could take back
   * would let the next CRL reuse it with other contents.
   */
  nextCrlNumber(): Promise<number>;
}
