// The pages as HTTP sees them (the browser side is test/ui-*.test.ts): who gets a page and who is sent
// to the login, what htmx fragments answer, and that no page carries inline script or style (the
// CSP would block it anyway; this catches it before a browser does).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type Running } from './helpers/server.ts';
import { enrollUser, loginAs } from './helpers/login.ts';

let server: Running;
let cookie: string;
let me: string;
let other: string;
before(async () => {
  server = await startServer();
  const a = await enrollUser(server.url, 'pages');
  const b = await enrollUser(server.url, 'pagesb');
  me = a.login;
  other = b.login;
  cookie = `tekup_session=${await loginAs(server.url, a)}`;
});
after(async () => {
  await server.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers, redirect: 'manual' });

function assertNoInlineCode(html: string, page: string): void {
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\bsrc="\/assets\//, `${page}: every script is a file of ours`);
  assert.doesNotMatch(html, /\sstyle=/, `${page}: no style attribute`);
  assert.doesNotMatch(html, /<style\b/, `${page}: no style element`);
  assert.doesNotMatch(html, /\son[a-z]+=/, `${page}: no inline event handler`);
}

describe('pages', () => {
  it('registration and login are public, with the CSP and no inline code', async () => {
    for (const path of ['/register', '/login', '/link']) {
      const res = await get(path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      const html = await res.text();
      assert.match(html, /^<!doctype html>/);
      assertNoInlineCode(html, path);
    }
    const register = await (await get('/register')).text();
    for (const id of ['f-cardNumber', 'f-firstName', 'f-lastName', 'f-login', 'f-email', 'f-password']) {
      assert.match(register, new RegExp(`<label for="${id}"`), `${id} has a label`);
      assert.match(register, new RegExp(`id="${id}"[^>]*aria-describedby="${id}-hint ${id}-error"`), `${id} is described by its hint and error`);
    }
  });

  it('pages for signed-in people send others to the login page, and back after it', async () => {
    for (const path of ['/chat', '/directory', '/certificate', `/chat?with=${other}`]) {
      const res = await get(path);
      assert.equal(res.status, 303, path);
      assert.equal(res.headers.get('location'), `/login?next=${encodeURIComponent(path)}`);
    }
    const home = await get('/');
    assert.equal(home.status, 200, 'the home page is the login form for someone not signed in');
    assert.match(await home.text(), /data-form="login"/);
    assert.equal((await get('/', { cookie })).headers.get('location'), '/chat');
    const login = await (await get(`/login?next=${encodeURIComponent('/chat?with=x')}`)).text();
    assert.match(login, /data-next="\/chat\?with=x"/);
    for (const evil of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      assert.doesNotMatch(await (await get(`/login?next=${encodeURIComponent(evil)}`)).text(), /data-next/, evil);
    }
  });

  it('renders each page for a signed-in person', async () => {
    for (const path of ['/chat', `/chat?with=${other}`, '/directory', '/certificate']) {
      const res = await get(path, { cookie });
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const html = await res.text();
      assert.match(html, new RegExp(`data-me="${me}"`));
      assertNoInlineCode(html, path);
    }
    assert.match(await (await get(`/chat?with=${other}`, { cookie })).text(), new RegExp(`data-conversation="${other}"`));
    // Each chat in the list shows the login under the name: two people may share a name.
    assert.match(await (await get('/chat', { cookie })).text(), new RegExp(`data-conv="${other}"[\\s\\S]*?<span class="person-login">@${other}</span>`));
    assert.match(await (await get('/directory', { cookie })).text(), new RegExp(`id="person-${other}"`));
  });

  it('htmx fragments: the chat frame alone, lists, the certificate panel; 401 with HX-Redirect without a session', async () => {
    const frame = await (await get(`/chat?with=${other}`, { cookie, 'hx-request': 'true', 'hx-target': 'div#chat' })).text();
    assert.match(frame, /^<div id="chat"/);
    assert.doesNotMatch(frame, /<html/);
    for (const path of ['/ui/directory', '/ui/conversations', '/ui/certificate']) {
      const res = await get(path, { cookie, 'hx-request': 'true' });
      assert.equal(res.status, 200, path);
      assert.doesNotMatch(await res.text(), /<html/);
      const anonymous = await get(path, { 'hx-request': 'true' });
      assert.equal(anonymous.status, 401, path);
      assert.equal(anonymous.headers.get('hx-redirect'), '/login?notice=session-ended');
    }
  });
});
