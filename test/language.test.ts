// Choosing the interface language (issue 24): POST /language from the menu on every page keeps the
// choice in a cookie and, signed in, in the person's settings; pages follow the cookie, then the
// account's choice, then Accept-Language; a bad choice is refused and changes nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { negotiate } from '../src/shared/i18n/locale.ts';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { webUser, type WebUser } from './helpers/webuser.ts';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('Accept-Language', () => {
  it('picks the best supported language by q, in the order written on ties; English otherwise', () => {
    assert.equal(negotiate('fr-FR,fr;q=0.9,en;q=0.8'), 'fr');
    assert.equal(negotiate('de-DE, fr;q=0.5, en;q=0.4'), 'fr');
    assert.equal(negotiate('en;q=0.2, fr-CA;q=0.7'), 'fr');
    assert.equal(negotiate('fr;q=0, en'), 'en');
    assert.equal(negotiate('de, *;q=0.5'), 'en');
    assert.equal(negotiate(''), 'en');
    assert.equal(negotiate(undefined), 'en');
    assert.equal(negotiate('x'.repeat(5000)), 'en');
  });
});

describe('POST /language', () => {
  let server: InProcess;
  let me: WebUser;
  before(async () => {
    server = await startInProcess();
    me = await webUser(server.url, 'lang');
  });
  after(() => server.close());

  const choose = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/language`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, ...headers },
      body: form(fields),
    });
  const lang = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, { headers, redirect: 'manual' });
    return { status: res.status, lang: /<html lang="(\w+)"/.exec(await res.text())?.[1], contentLanguage: res.headers.get('content-language'), vary: res.headers.get('vary') };
  };

  it('sets a year-long cookie and goes back to the page it came from', async () => {
    const res = await choose({ locale: 'fr', next: '/register?x=1' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/register?x=1');
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^lang=fr;/);
    assert.match(cookie, /Max-Age=31536000/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    const page = await lang('/register', { cookie: 'lang=fr', 'accept-language': 'en' });
    assert.deepEqual([page.lang, page.contentLanguage], ['fr', 'fr'], 'the cookie wins over the browser');
    assert.match(page.vary ?? '', /Accept-Language/);
    assert.equal((await lang('/register', { 'accept-language': 'fr-FR,fr;q=0.9' })).lang, 'fr');
    assert.equal((await lang('/register')).lang, 'en');
  });

  it('goes back only to a page of this site', async () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const res = await choose({ locale: 'en', next });
      assert.equal(res.status, 303, next);
      assert.equal(res.headers.get('location'), '/', next);
    }
    assert.equal((await choose({ locale: 'en' })).headers.get('location'), '/');
  });

  it('refuses a language it does not have, with a clear error and no cookie', async () => {
    const res = await choose({ locale: 'de', next: '/login' }, { accept: 'application/json' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('set-cookie'), null);
    const body = await res.json();
    assert.equal(body.error, 'validation');
    assert.ok(body.fields.locale, JSON.stringify(body));
  });

  it('refuses a form posted from another site (CSRF)', async () => {
    const res = await choose({ locale: 'fr' }, { origin: 'https://evil.example' });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('set-cookie'), null);
  });

  it('signed in, remembers the choice for the account: a browser without the cookie gets it', async () => {
    const session = { cookie: `tekup_session=${me.token}` };
    assert.equal((await lang('/directory', { ...session, 'accept-language': 'en' })).lang, 'en');
    const res = await choose({ locale: 'fr', next: '/directory' }, session);
    assert.equal(res.status, 303);
    assert.equal(await server.service.settings.locale(me.login), 'fr');
    // A new browser asking for English, signed in, no lang cookie: the account's choice.
    assert.equal((await lang('/directory', { ...session, 'accept-language': 'en' })).lang, 'fr');
    // This browser's own choice still wins over the account's.
    assert.equal((await lang('/directory', { ...session, cookie: `${session.cookie}; lang=en` })).lang, 'en');
  });
});

describe('what differs by language says so, and nothing else does', () => {
  let server: InProcess;
  before(async () => {
    server = await startInProcess();
  });
  after(() => server.close());

  it('pages and JSON answers vary by Accept-Language and Cookie; the CA certificate and the CRL do not', async () => {
    const page = await fetch(`${server.url}/login`, { headers: { 'accept-language': 'fr' } });
    assert.match(page.headers.get('vary') ?? '', /Accept-Language/);
    assert.equal(page.headers.get('content-language'), 'fr');
    // A JSON answer keeps its own headers beside them, and its body whole.
    const json = await fetch(`${server.url}/api/v1/session/challenge`, { method: 'POST', headers: { 'accept-language': 'fr', 'content-type': 'application/json' }, body: '{}' });
    assert.equal(json.status, 400);
    assert.match(json.headers.get('vary') ?? '', /Accept-Language, Cookie/);
    assert.equal(json.headers.get('content-language'), 'fr');
    assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(json.headers.get('x-content-type-options'), 'nosniff');
    assert.equal((await json.json()).error, 'validation');
    for (const path of ['/ca/root.pem', '/ca/crl']) {
      const res = await fetch(`${server.url}${path}`, { headers: { 'accept-language': 'fr' } });
      assert.equal(res.status, 200, path);
      assert.doesNotMatch(res.headers.get('vary') ?? '', /Accept-Language/, path);
      assert.equal(res.headers.get('content-language'), null, path);
    }
  });
});

describe('POST /language refused in the reader’s language', () => {
  let server: InProcess;
  before(async () => {
    server = await startInProcess();
  });
  after(() => server.close());

  it('says which languages there are, in French to a French reader', async () => {
    const res = await fetch(`${server.url}/language`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, accept: 'application/json', 'accept-language': 'fr' },
      body: 'locale=de',
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).fields.locale, 'Choisissez l’anglais (en) ou le français (fr).');
  });
});
