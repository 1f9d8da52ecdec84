// The live event streams open right now, by session and by user. A stream is only as good as the
// session it was opened with: whatever ends that session (logout, a revocation by the owner or by
// the operator's command line in another process, a password change, plain expiry) must end its
// streams too. The session store is the one truth for all of these, so instead of every writer
// remembering to notify us, a sweep asks it about each open stream twice a second. Caps keep one
// login from holding the server's connections.
import { DomainError } from '../protocol/errors.ts';
import { errorText } from '../protocol/error-messages.ts';

/** Why the server ended a stream, sent to the client as the last event. */
export type StreamEndReason = 'session_ended' | 'replaced' | 'shutdown';

export interface StreamLimits {
  perSession: number;
  perUser: number;
}

export const STREAM_LIMITS: StreamLimits = { perSession: 5, perUser: 20 };
export const SWEEP_MS = 500;

export interface OpenStream {
  /** Ends the stream; the route writes the reason and closes the response. */
  end(reason: StreamEndReason): void;
}

export interface StreamHandle {
  /**
   * Asked before each event is written, so nothing reaches a stream after its session ended even
   * between two sweeps; false (and the stream ended) once it has.
   */
  stillLive(): Promise<boolean>;
  /** Call once the stream has closed, whoever closed it. */
  closed(): void;
}

interface Entry extends OpenStream {
  login: string;
  session: string;
}

export interface StreamsDeps {
  /** Whether the session (named by its token hash) still lets its holder in. */
  isLive: (session: string) => Promise<boolean>;
  limits?: StreamLimits;
  sweepMs?: number;
}

export class Streams {
  /** In opening order, so the oldest of a session is the first found. */
  private readonly open = new Set<Entry>();
  private readonly isLive: (session: string) => Promise<boolean>;
  private sweeping = false;
  /** A sweep was asked for while one ran: the sessions it had already asked about may have ended since. */
  private again = false;
  private soon: ReturnType<typeof setImmediate> | undefined;
  private readonly limits: StreamLimits;
  private readonly sweepMs: number;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(d: StreamsDeps) {
    this.isLive = d.isLive;
    this.limits = d.limits ?? STREAM_LIMITS;
    this.sweepMs = d.sweepMs ?? SWEEP_MS;
  }

  /**
   * Admits a stream or throws `rate_limited`. Past the session's cap the session's oldest stream
   * gives way (a reloaded tab leaves one behind); past the user's cap the new one is refused, since
   * another session's streams are not this one's to end.
   */
  add(login: string, session: string, stream: OpenStream): StreamHandle {
    const mine = [...this.open].filter((e) => e.session === session);
    const theirs = [...this.open].filter((e) => e.login === login).length;
    const giving = mine.length >= this.limits.perSession ? mine.slice(0, mine.length - this.limits.perSession + 1) : [];
    if (theirs - giving.length >= this.limits.perUser) {
      throw new DomainError('rate_limited', errorText('error.rate.streams', { max: this.limits.perUser }), undefined, {
        retryAfter: 30,
      });
    }
    for (const e of giving) this.finish(e, 'replaced');
    const entry: Entry = { login, session, end: (reason) => stream.end(reason) };
    this.open.add(entry);
    this.timer ??= setInterval(() => void this.sweep().catch(() => {}), this.sweepMs).unref();
    return {
      stillLive: async () => {
        if (!this.open.has(entry)) return false;
        if (await this.isLive(session)) return this.open.has(entry);
        this.finish(entry, 'session_ended');
        return false;
      },
      closed: () => this.forget(entry),
    };
  }

  /** Ends every stream whose session no longer lets its holder in. */
  async sweep(): Promise<void> {
    // A slow store must not stack sweeps on top of each other.
    if (this.sweeping) {
      this.again = true;
      return;
    }
    this.sweeping = true;
    try {
      do {
        this.again = false;
        const verdict = new Map<string, boolean>();
        for (const e of [...this.open]) {
          let live = verdict.get(e.session);
          if (live === undefined) verdict.set(e.session, (live = await this.isLive(e.session)));
          if (!live && this.open.has(e)) this.finish(e, 'session_ended');
        }
      } while (this.again);
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * Sweeps on the next turn, when the store says sessions ended: streams end at once rather than
   * at the next periodic sweep. Several calls in one turn make one sweep.
   */
  sweepSoon(): void {
    if (this.soon || this.open.size === 0) return;
    this.soon = setImmediate(() => {
      this.soon = undefined;
      void this.sweep().catch(() => {});
    });
  }

  /** Ends them all (the server is shutting down). */
  endAll(): void {
    for (const e of this.open) this.finish(e, 'shutdown');
  }

  count(filter: { login?: string; session?: string } = {}): number {
    let n = 0;
    for (const e of this.open) if ((filter.login === undefined || e.login === filter.login) && (filter.session === undefined || e.session === filter.session)) n++;
    return n;
  }

  private finish(e: Entry, reason: StreamEndReason): void {
    this.forget(e);
    e.end(reason);
  }

  private forget(e: Entry): void {
    this.open.delete(e);
    if (this.open.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
