// Protocol §5: sending, history, and the live event stream.
import { Hono, type MiddlewareHandler } from 'hono';
import { streamSSE } from 'hono/streaming';
import * as v from 'valibot';
import { anyEnvelopeSchema, envelopeV2BodyLimit } from '../../protocol/envelope.ts';
import { DomainError } from '../../protocol/errors.ts';
import { LOGIN_PATTERN } from '../../protocol/session.ts';
import type { Relay } from '../../chat/relay.ts';
import type { Hub, HubEvent, ReadEvent } from '../../chat/hub.ts';
import type { MessageStore, StoredMessage } from '../../chat/messages.ts';
import type { Presence } from '../../chat/presence.ts';
import type { StreamEndReason, Streams } from '../../chat/streams.ts';
import type { AuthEnv } from '../auth.ts';
import { alreadyDurable } from '../durable.ts';
import { validBody, validQuery } from '../validate.ts';
import { readJsonBodyWithin } from '../body.ts';
import type { Groups } from '../../chat/groups.ts';
import { isGroupAddress } from '../../protocol/envelope.ts';
import { groupIdOf } from '../../protocol/groups.ts';
import { errorText } from '../../protocol/error-messages.ts';

export const HEARTBEAT_MS = 15_000;
const CATCH_UP_PAGE = 500;

/** The `read` event (an extension): seqs as strings, like the history cursors. */
const readEventBody = (r: ReadEvent) => ({ with: r.peer, upTo: String(r.upTo), unread: r.unread, lastSeq: String(r.lastSeq) });
const PAGE_MAX = 200;

export interface MessageRouteDeps {
  relay: Relay;
  store: MessageStore;
  hub: Hub;
  presence: Presence;
  groups: Groups;
  auth: MiddlewareHandler<AuthEnv>;
  /** The open streams: their caps, and the end of those whose session ended. */
  streams: Streams;
  /** Streams to end when the server shuts down. */
  onShutdown: (fn: () => void) => void;
}

/** Protocol §7: 64 KiB plus 1 KiB per wrapped key the envelope holds. */
const envelopeLimit = (body: unknown): number => {
  const keys = (body as { keys?: unknown } | null)?.keys;
  return envelopeV2BodyLimit(keys && typeof keys === 'object' ? Object.keys(keys).length : 0);
};

const historyQuery = v.object({
  with: v.pipe(
    v.string('Name the other user or the group: ?with=LOGIN or ?with=group:ID.'),
    v.check((w) => LOGIN_PATTERN.test(w) || isGroupAddress(w), 'with must be a login or "group:" followed by the group id.'),
  ),
  after: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'after must be a cursor from a previous page.'), v.transform(Number))),
  before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'before must be a cursor from a previous page.'), v.transform(Number))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/, 'limit is a number of messages.'), v.transform(Number), v.minValue(1, 'limit is at least 1.'), v.maxValue(PAGE_MAX, `limit is at most ${PAGE_MAX}.`)), '50'),
});

export function messageRoutes(d: MessageRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  d.onShutdown(() => d.streams.endAll());
  app.use('/messages', d.auth);
  app.use('/events', d.auth);

  const envelopeBody = validBody(anyEnvelopeSchema, {
    read: (c) => readJsonBodyWithin(c, envelopeLimit),
    onInvalid: (fields) => new DomainError('message_rejected', errorText('error.envelope.invalid'), fields, { reason: 'malformed' }),
  });
  app.post('/messages', envelopeBody, async (c) => {
    const stored = await d.relay.accept(c.get('session').login, c.req.valid('json'));
    // accept resolves once the insert, the last of its writes, is synced to disk.
    alreadyDurable(c);
    return c.json({ id: stored.envelope.id, receivedAt: stored.receivedAt }, 201);
  });

  const history = validQuery(historyQuery, (fields) => new DomainError('validation', errorText('error.validation.query'), fields));
  app.get('/messages', history, async (c) => {
    const q = c.req.valid('query');
    const login = c.get('session').login;
    // Members only (a former one reads up to their removal, which the store's spans see to).
    if (isGroupAddress(q.with) && !(await d.groups.mayRead(login, groupIdOf(q.with)))) {
      throw new DomainError('not_found', errorText('error.group.notMember', { id: groupIdOf(q.with) }));
    }
    const page = await d.store.conversation(login, q.with, { after: q.after, before: q.before, limit: q.limit + 1 });
    // One more than asked tells whether another page follows (in the direction of travel).
    const more = page.length > q.limit;
    const messages = q.before !== undefined ? page.slice(more ? 1 : 0) : page.slice(0, q.limit);
    return c.json({
      messages: messages.map((m) => m.envelope),
      // Pass as ?after= for newer messages, or `first` as ?before= for older ones.
      cursor: messages.length ? String(messages[messages.length - 1].seq) : (q.after !== undefined ? String(q.after) : null),
      first: messages.length ? String(messages[0].seq) : null,
      more,
    });
  });

  app.get('/events', (c) => {
    const session = c.get('session');
    const login = session.login;
    const header = c.req.header('last-event-id') ?? c.req.query('lastEventId');
    const resumeFrom = header && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
    let ended: StreamEndReason | undefined;
    let aborted = false;
    let wake: (() => void) | undefined;
    // Admitted (or refused with 429) before the answer starts, so a refusal is a real status.
    const handle = d.streams.add(login, session.tokenHash, {
      end: (reason) => {
        ended ??= reason;
        wake?.();
      },
    });
    c.header('x-accel-buffering', 'no');
    const res = streamSSE(c, async (stream) => {
      const closed = () => aborted || ended !== undefined;
      let sent = resumeFrom ?? await d.store.deliveredUpTo(login);
      const queue: HubEvent[] = [];
      stream.onAbort(() => {
        aborted = true;
        wake?.();
      });

      const writeMessage = async (m: StoredMessage) => {
        if (m.seq <= sent) return; // already delivered on this stream or before it
        await stream.writeSSE({ event: 'message', id: String(m.seq), data: m.json ?? JSON.stringify(m.envelope) });
        sent = m.seq;
        await d.store.markDelivered(login, m.seq);
      };
      // Every message is written from the store, in seq order, never from the event that announced
      // it: events from several instances arrive in any order (one published seq 11 before another
      // published seq 10), and an instance may die between storing a message and announcing it.
      // The store makes seqs visible in order, so reading after the last one written misses none;
      // an event only says when to read, and one read serves every event that came with it.
      // A short page is the end: what is admitted after it was read comes with an event of its own.
      const catchUp = async () => {
        for (;;) {
          const page = await d.store.forUser(login, sent, CATCH_UP_PAGE);
          for (const m of page) {
            if (closed() || !(await handle.stillLive())) return;
            await writeMessage(m);
          }
          if (page.length < CATCH_UP_PAGE || closed()) return;
        }
      };
      // Subscribe before reading the backlog so nothing falls between the two; the queue holds
      // what arrives meanwhile and writeMessage skips what the backlog already covered.
      const unsubscribe = d.hub.subscribe(login, (e) => {
        queue.push(e);
        wake?.();
      });
      d.presence.connect(login);
      try {
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ login, resumedFrom: sent }) });
        await catchUp();
        while (!closed()) {
          while (queue.length && !closed()) {
            if (!(await handle.stillLive())) break;
            const e = queue.shift()!;
            if (e.type === 'message') {
              if (e.message.seq > sent) await catchUp();
            }
            else if (e.type === 'presence') await stream.writeSSE({ event: 'presence', data: JSON.stringify({ login: e.login, online: e.online }) });
            else if (e.type === 'read') await stream.writeSSE({ event: 'read', data: JSON.stringify(readEventBody(e.read)) });
            // Protocol §6: a new device asks to be linked (its fields as the protocol names them).
            else if (e.type === 'device_request') await stream.writeSSE({ event: 'device_request', data: JSON.stringify(e.request) });
            // Protocol §7: a group changed, for every member before and after the change.
            else if (e.type === 'group') await stream.writeSSE({ event: 'group', data: JSON.stringify(e.group) });
            // In a group, `with` names the group and `reader` who read (an extension of the 1:1 shape).
            else if (e.seen.group) await stream.writeSSE({ event: 'seen', data: JSON.stringify({ with: e.seen.group, reader: e.seen.reader, upTo: String(e.seen.upTo), id: e.seen.id }) });
            else await stream.writeSSE({ event: 'seen', data: JSON.stringify({ with: e.seen.reader, upTo: String(e.seen.upTo), id: e.seen.id }) });
          }
          if (closed()) break;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, HEARTBEAT_MS);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
          if (!queue.length && !closed()) await stream.write(': heartbeat\n\n');
        }
        // Tells the page why, so it does not reconnect into the same end (protocol: `end` event).
        if (ended && !aborted) await stream.writeSSE({ event: 'end', data: JSON.stringify({ reason: ended }) });
      } finally {
        unsubscribe();
        handle.closed();
        d.presence.disconnect(login);
      }
    });
    // streamSSE sets `no-cache`, which still lets a cache store the stream.
    res.headers.set('cache-control', 'no-store');
    return res;
  });
  return app;
}
