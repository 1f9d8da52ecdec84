// Keeps the pre-produced OCSP responses ahead of the requests (src/pki/ocsp-prepared.ts): a pass
// every second signs what records appeared or changed — in this process or another one — and
// what nears the end of its serving time. The server runs it; the admin command line does not
// (it serves no OCSP, and a response it signed with a responder it cannot persist would outlive it).
import type { Log } from '../log.ts';
import type { RefreshCounts } from './ocsp-prepared.ts';

/** A pass costs two indexed reads when nothing changed; a new answer is ready within about this long. */
export const REFRESH_EVERY_MS = 1_000;

export interface OcspRefresher {
  /** Waits for a pass under way, and runs no more. */
  stop(): Promise<void>;
}

export function startOcspRefresher(prepared: { refresh(): Promise<RefreshCounts> }, log: Log, everyMs = REFRESH_EVERY_MS): OcspRefresher {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = async () => {
    try {
      await prepared.refresh();
    } catch (err) {
      log('ocsp refresh failed', { error: (err as Error).name, detail: (err as Error).message });
    }
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    // One pass at a time, the next a full interval after the last ends.
    timer = setTimeout(() => {
      running = pass().finally(() => {
        running = undefined;
        schedule(everyMs);
      });
    }, ms);
    timer.unref(); // never what keeps the process alive
  };
  schedule(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
