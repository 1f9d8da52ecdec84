// Protocol §7: group conversations — creating, listing, and the admins' changes. Messages to a
// group go through POST /messages like any other (messages.ts).
import { Hono, type MiddlewareHandler } from 'hono';
import type { Groups } from '../../chat/groups.ts';
import type { ReadMarks } from '../../chat/read-marks.ts';
import { DomainError } from '../../protocol/errors.ts';
import {
  groupAddress,
  groupCreateSchema,
  groupIdParam,
  groupLoginSchema,
  groupMemberParam,
  groupRenameSchema,
  type FormerGroupSummary,
  type GroupDetail,
  type GroupSummary,
} from '../../protocol/groups.ts';
import type { AuthEnv } from '../auth.ts';
import { validBody, validParam, type OnInvalid } from '../validate.ts';
import { errorText } from '../../protocol/error-messages.ts';

export interface GroupRouteDeps {
  groups: Groups;
  marks: ReadMarks;
  auth: MiddlewareHandler<AuthEnv>;
}

const needsFixing: OnInvalid = (fields) => new DomainError('validation', errorText('error.validation.request'), fields);

export function groupRoutes(d: GroupRouteDeps): Hono<AuthEnv> {
  const { groups, marks } = d;
  const app = new Hono<AuthEnv>();
  app.use('/groups', d.auth);
  app.use('/groups/*', d.auth);

  app.post('/groups', validBody(groupCreateSchema, { onInvalid: needsFixing }), async (c) => {
    const { name, members } = c.req.valid('json');
    return c.json(await groups.create(c.get('session').login, name, members), 201);
  });

  /** A group as the lists give it: with where its conversation stands for `login`. */
  const withReadState = async <G extends { id: string }>(login: string, g: G) => {
    const s = await marks.conversation(login, groupAddress(g.id));
    return { ...g, lastAt: s.lastAt || null, lastSeq: String(s.lastSeq), unread: s.unread };
  };

  app.get('/groups', async (c) => {
    const login = c.get('session').login;
    const list: GroupSummary[] = await Promise.all((await groups.list(login)).map((g) => withReadState(login, g)));
    // The liveliest first, as the chat list shows them.
    list.sort((a, b) => Number(b.lastSeq) - Number(a.lastSeq) || b.createdAt.localeCompare(a.createdAt));
    c.header('cache-control', 'no-store');
    return c.json(list);
  });

  // Extensions: what a former member keeps of a group (docs/protocol.md, "Groups").
  app.get('/groups/former', async (c) => {
    const login = c.get('session').login;
    const list: FormerGroupSummary[] = await Promise.all((await groups.former(login)).map((g) => withReadState(login, g)));
    c.header('cache-control', 'no-store');
    return c.json(list);
  });
  app.get('/groups/:id/history', validParam(groupIdParam, needsFixing), async (c) => {
    c.header('cache-control', 'no-store');
    return c.json(await groups.record(c.get('session').login, c.req.valid('param').id));
  });

  app.get('/groups/:id', validParam(groupIdParam, needsFixing), async (c) => {
    const login = c.get('session').login;
    const { group, history } = await groups.history(login, c.req.valid('param').id);
    const reads = await marks.groupReads(login, groupAddress(group.id), group.members.map((m) => m.login));
    const detail: GroupDetail = { ...group, history, reads: Object.fromEntries([...reads].map(([m, seq]) => [m, String(seq)])) };
    c.header('cache-control', 'no-store');
    return c.json(detail);
  });

  app.patch('/groups/:id', validBody(groupRenameSchema, { param: groupIdParam, onInvalid: needsFixing }), async (c) => {
    return c.json(await groups.rename(c.get('session').login, c.req.valid('param').id, c.req.valid('json').name));
  });

  app.post('/groups/:id/members', validBody(groupLoginSchema, { param: groupIdParam, onInvalid: needsFixing }), async (c) => {
    return c.json(await groups.add(c.get('session').login, c.req.valid('param').id, c.req.valid('json').login));
  });

  app.delete('/groups/:id/members/:login', validParam(groupMemberParam, needsFixing), async (c) => {
    const { id, login } = c.req.valid('param');
    return c.json(await groups.remove(c.get('session').login, id, login));
  });

  app.post('/groups/:id/admins', validBody(groupLoginSchema, { param: groupIdParam, onInvalid: needsFixing }), async (c) => {
    return c.json(await groups.makeAdmin(c.get('session').login, c.req.valid('param').id, c.req.valid('json').login));
  });
  return app;
}
