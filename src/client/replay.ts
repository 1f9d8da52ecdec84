// The recipient's last check (protocol §5, issue 7): a message id is accepted once. The server
// refuses replays, but the recipient does not have to trust it: an envelope whose id was already
// opened (an old signed message pushed again) is flagged, not shown as a new message.
export class ReplayGuard {
  private readonly seen = new Map<string, string>();

  /**
   * Records `id` with the fingerprint of what it carried (the outer signature). Returns 'new' the
   * first time, 'duplicate' for the same envelope again (a harmless re-delivery to drop quietly),
   * and 'replay' when the same id comes with other content.
   */
  check(id: string, sig: string): 'new' | 'duplicate' | 'replay' {
    const before = this.seen.get(id);
    if (before === undefined) {
      this.seen.set(id, sig);
      return 'new';
    }
    return before === sig ? 'duplicate' : 'replay';
  }

  has(id: string): boolean {
    return this.seen.has(id);
  }
}
