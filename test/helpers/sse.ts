// A small Server-Sent Events reader over fetch, for tests: collects events and waits for them.
export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

export interface EventStream {
  events: SseEvent[];
  /** Resolves once `count` events of `type` have arrived (in total), or rejects after `ms`. */
  waitFor(type: string, count?: number, ms?: number): Promise<SseEvent[]>;
  /** Resolves once some event satisfies `pred`. */
  until(pred: (e: SseEvent) => boolean, ms?: number): Promise<SseEvent>;
  /** Resolves once the events so far satisfy `pred`; the failure after `ms` names `what`. */
  untilEvents(what: string, pred: (events: SseEvent[]) => boolean, ms?: number): Promise<void>;
  /**
   * Resolves when the stream ends, whoever ends it (an `end` event and the server closing, the
   * server's process dying, or close()): what tests of revocations and killed servers wait for.
   */
  ended: Promise<void>;
  isEnded(): boolean;
  close(): void;
}

export async function openEvents(url: string, token: string, lastEventId?: string): Promise<EventStream> {
  const ac = new AbortController();
  const res = await fetch(`${url}/api/v1/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: ac.signal,
  });
  if (res.status !== 200) throw new Error(`events on ${url}: ${res.status} ${await res.text()}`);
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  let done = false;
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const e: SseEvent = { event: 'message', data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const i = line.indexOf(':');
            const field = i < 0 ? line : line.slice(0, i);
            const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            if (field === 'event') e.event = value;
            else if (field === 'id') e.id = value;
            else if (field === 'data') data.push(value);
          }
          if (!data.length && !e.id) continue;
          e.data = data.join('\n');
          events.push(e);
          for (const w of waiters) w();
        }
      }
    } catch {
      // aborted by close(), or the connection died with its server
    } finally {
      done = true;
      for (const w of waiters) w();
    }
  })();

  /** Resolves with `found()`'s first answer other than undefined, checked at every event; rejects with `failure()` after `ms`. */
  const wait = <T>(found: () => T | undefined, failure: () => string, ms: number) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const hit = found();
        if (hit !== undefined) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(failure()));
      }, ms);
      waiters.add(check);
      check();
    });
  const ofType = (type: string) => events.filter((e) => e.event === type);

  return {
    events,
    waitFor(type, count = 1, ms = 10_000) {
      return wait(
        () => {
          const got = ofType(type);
          return got.length >= count ? got : undefined;
        },
        () => `waited ${ms} ms for ${count} "${type}" events, got ${ofType(type).length}`,
        ms,
      );
    },
    until(pred, ms = 10_000) {
      return wait(() => events.find(pred), () => `waited ${ms} ms for a matching event; got ${JSON.stringify(events.map((e) => e.event))}`, ms);
    },
    async untilEvents(what, pred, ms = 10_000) {
      await wait(
        () => (pred(events) ? true : undefined),
        () => `waited ${ms} ms on ${url} for ${what}; got ${JSON.stringify(events.map((e) => e.event))}, ended: ${done}`,
        ms,
      );
    },
    ended,
    isEnded: () => done,
    close: () => ac.abort(),
  };
}
