// Read state on the server (an extension, docs/protocol.md "Read state"): unread counts per
// conversation for every device of a user, and the marker a device moves when its user has read.
import { Hono, type MiddlewareHandler } from 'hono';
import * as v from 'valibot';
import { DomainError } from '../../protocol/errors.ts';
import { LOGIN_PATTERN } from '../../protocol/session.ts';
import { isGroupAddress } from '../../protocol/envelope.ts';
import type { ReadMarks } from '../../chat/read-marks.ts';
import type { AuthEnv } from '../auth.ts';
import { alreadyDurable } from '../durable.ts';
import { validBody, type OnInvalid } from '../validate.ts';
import { errorText } from '../../protocol/error-messages.ts';

export interface ConversationRouteDeps {
  marks: ReadMarks;
  auth: MiddlewareHandler<AuthEnv>;
}

const readBody = v.strictObject(
  {
    upTo: v.pipe(v.string('upTo is the seq of the newest message read, as a string.'), v.regex(/^[1-9]\d{0,14}$/, 'upTo must be a message seq (a history cursor or an event id).'), v.transform(Number)),
  },
  'Send {"upTo": "<seq>"} and nothing else.',
);
const receiptsBody = v.strictObject({ enabled: v.boolean('enabled is true or false.') }, 'Send {"enabled": true} or {"enabled": false} and nothing else.');
const peerParam = v.object({
  login: v.pipe(
    v.string(),
    v.check((p) => LOGIN_PATTERN.test(p) || isGroupAddress(p), 'The path must name a login or a group: /api/v1/conversations/LOGIN/read or …/group:ID/read.'),
  ),
});
const needsFixing: OnInvalid = (fields) => new DomainError('validation', errorText('error.validation.request'), fields);

export function conversationRoutes(d: ConversationRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.use('/conversations', d.auth);
  app.use('/conversations/*', d.auth);

  app.get('/conversations', async (c) => {
    const list = (await d.marks.conversations(c.get('session').login)).sort((a, b) => b.lastSeq - a.lastSeq);
    return c.json({
      conversations: list.map((s) => ({
        with: s.peer,
        unread: s.unread,
        lastSeq: String(s.lastSeq),
        lastAt: s.lastAt,
        ...(s.seen ? { seenUpTo: String(s.seen.upTo), seenId: s.seen.id } : {}),
      })),
    });
  });

  // Read receipts on or off for the caller (docs/protocol.md, "Read state").
  app.get('/account/read-receipts', d.auth, async (c) => {
    c.header('cache-control', 'no-store');
    return c.json({ enabled: await d.marks.receipts(c.get('session').login) });
  });
  app.put('/account/read-receipts', d.auth, validBody(receiptsBody, { onInvalid: needsFixing }), async (c) => {
    const { enabled } = c.req.valid('json');
    await d.marks.setReceipts(c.get('session').login, enabled);
    alreadyDurable(c);
    return c.json({ enabled });
  });

  // The path's login is checked with the body: one answer names both when both are wrong.
  app.post('/conversations/:login/read', validBody(readBody, { param: peerParam, onInvalid: needsFixing }), async (c) => {
    await d.marks.read(c.get('session').login, c.req.valid('param').login, c.req.valid('json').upTo);
    // read() resolves once the mark (if it moved) is synced to disk.
    alreadyDurable(c);
    return c.body(null, 204);
  });
  return app;
}
