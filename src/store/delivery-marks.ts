// Delivery marks (MessageStore.markDelivered: the highest seq pushed to a login's streams) are
// written behind, at most every DELIVERY_WRITE_MS, by every adapter: each message pushed to each
// open stream would otherwise be a database write (fifty of them for a user with fifty tabs). A
// crash may forget the last fraction of a second of marks, so a few messages are delivered again
// on the next connection; clients recognise the ids they have already seen. The buffering is kept
// here once, so that the adapters answer deliveredUpTo alike and differ only in how they write.

const DELIVERY_WRITE_MS = 200;

/** Marks to store, one per login: login and seq. */
export type DeliveryMarks = [login: string, seq: number][];

export class WriteBehindDeliveryMarks {
  /** Stores the marks, each only where it is higher than the one stored; may throw. */
  private readonly write: (marks: DeliveryMarks) => void | Promise<void>;
  /** Marks not yet written: login → highest seq pushed. */
  private unwritten = new Map<string, number>();
  /** Marks being written: still answered from here until their write has ended. */
  private readonly writing = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  /** The writes begun, one after the other. */
  private written: Promise<void> = Promise.resolve();

  constructor(write: (marks: DeliveryMarks) => void | Promise<void>) {
    this.write = write;
  }

  mark(login: string, seq: number): void {
    if (seq <= (this.unwritten.get(login) ?? 0)) return;
    this.unwritten.set(login, seq);
    this.timer ??= setTimeout(() => this.writeNow(), DELIVERY_WRITE_MS).unref();
  }

  /** The highest mark of `login` that may not be stored yet, or 0: deliveredUpTo is the higher of it and the stored one. */
  notStoredUpTo(login: string): number {
    return Math.max(this.writing.get(login) ?? 0, this.unwritten.get(login) ?? 0);
  }

  /** Writes the waiting marks now, and resolves once every write begun has ended. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.writeNow();
    return this.written;
  }

  private writeNow(): void {
    this.timer = undefined;
    if (!this.unwritten.size) return;
    const sent = this.unwritten;
    this.unwritten = new Map();
    for (const [login, seq] of sent) if (seq > (this.writing.get(login) ?? 0)) this.writing.set(login, seq);
    this.written = this.written.then(async () => {
      try {
        await this.write([...sent]);
      } catch {
        // The database is unreachable, or closed meanwhile (shutdown): the marks are only an optimisation.
      }
      for (const [login, seq] of sent) if (this.writing.get(login) === seq) this.writing.delete(login);
    });
  }
}
