// Where one is logged in (GET /api/v1/sessions, DELETE /api/v1/sessions/{id}, extensions in
// docs/protocol.md): each login's live sessions with what opened them, the current one marked;
// ending another one works at once; nobody can see or end someone else's.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type Running } from './helpers/server.ts';
import { attemptLogin, enrollUser } from './helpers/login.ts';

let server: Running;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

const as = (token: string, init: RequestInit = {}) => ({ ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
const list = async (token: string) => {
  const res = await fetch(`${server.url}/api/v1/sessions`, as(token));
  assert.equal(res.status, 200);
  return (await res.json()) as Array<{ id: string; createdAt: string; expiresAt: string; userAgent: string | null; current: boolean }>;
};
const end = (token: string, id: string) => fetch(`${server.url}/api/v1/sessions/${id}`, as(token, { method: 'DELETE' }));
const alive = async (token: string) => (await fetch(`${server.url}/api/v1/session`, as(token))).status === 200;

async function loginWith(u: Awaited<ReturnType<typeof enrollUser>>, userAgent: string): Promise<string> {
  const res = await attemptLogin(server.url, { ...u, userAgent });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json.token;
}

describe('the list of sessions', () => {
  it('lists each live session with its user agent, the current one marked, newest first', async () => {
    const u = await enrollUser(server.url, 'sesslist');
    const laptop = await loginWith(u, 'Laptop/1.0 (X11; Linux x86_64)');
    const phone = await loginWith(u, 'Phone/2.0 (Android 15)');
    const seen = await list(laptop);
    assert.equal(seen.length, 2);
    assert.deepEqual(
      seen.map((s) => [s.userAgent, s.current]),
      [
        ['Phone/2.0 (Android 15)', false],
        ['Laptop/1.0 (X11; Linux x86_64)', true],
      ],
    );
    for (const s of seen) {
      assert.match(s.id, /^[0-9a-f]{16}$/);
      assert.ok(Date.parse(s.expiresAt) > Date.parse(s.createdAt));
      assert.ok(!JSON.stringify(s).includes(laptop) && !JSON.stringify(s).includes(phone), 'no token in the list');
    }
    assert.deepEqual((await list(phone)).map((s) => s.current), [true, false]);
  });

  it('ends another session at once; an unknown id, a malformed one or someone else’s is refused', async () => {
    const u = await enrollUser(server.url, 'sessend');
    const other = await enrollUser(server.url, 'sessother');
    const here = await loginWith(u, 'Here/1');
    const there = await loginWith(u, 'There/1');
    const stranger = await loginWith(other, 'Stranger/1');
    const thereId = (await list(here)).find((s) => !s.current)!.id;

    const foreign = await end(stranger, thereId);
    assert.equal(foreign.status, 404, 'not yours: as if it did not exist');
    assert.ok(await alive(there));
    const malformed = await end(here, 'not-an-id');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: string }).error, 'validation');
    assert.equal((await end(here, '0123456789abcdef')).status, 404);

    assert.equal((await end(here, thereId)).status, 204);
    assert.equal(await alive(there), false, 'that session is over');
    assert.ok(await alive(here), 'this one goes on');
    assert.deepEqual((await list(here)).map((s) => s.userAgent), ['Here/1']);
    assert.equal((await end(here, thereId)).status, 404, 'once');
    assert.equal((await fetch(`${server.url}/api/v1/sessions`)).status, 401);
  });
});
