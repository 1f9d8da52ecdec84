// Issue 24: the API's refusals speak the request's language. With Accept-Language: fr (or the `lang`
// cookie) the `message` and `fields` texts are French; the error code, the status and every other
// member stay as they are. Without it, or with English, the answer is the English byte for byte.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { enrollUser, challengeFor, signChallenge, type Enrolled } from './helpers/login.ts';
import { postJson } from './helpers/users.ts';
import { ERROR_MESSAGES, englishText, type ErrorId } from '../src/protocol/error-messages.ts';
import { sayOfText } from '../src/shared/i18n/error-messages.ts';

const FR = { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' };

async function raw(url: string, init: RequestInit = {}): Promise<{ status: number; text: string; json: any; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text), headers: res.headers };
}

const postRaw = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  raw(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

let server: InProcess;
let user: Enrolled;

before(async () => {
  server = await startInProcess();
  user = await enrollUser(server.url, 'i18n');
});
after(async () => {
  await server?.close();
});

describe('registration field errors', () => {
  const bad = { cardNumber: '12', firstName: '', lastName: 'O’Neil', login: 'X', email: 'é@example.org', password: 'short', csr: 'nope' };

  it('are French for a French reader, with the same code, status and fields', async () => {
    const en = await postRaw(`${server.url}/api/v1/enroll`, bad);
    const fr = await postRaw(`${server.url}/api/v1/enroll`, bad, FR);
    assert.equal(en.status, 400);
    assert.equal(fr.status, en.status);
    assert.equal(fr.json.error, 'validation');
    assert.deepEqual(Object.keys(fr.json), Object.keys(en.json));
    assert.deepEqual(Object.keys(fr.json.fields), Object.keys(en.json.fields));
    assert.equal(en.json.fields.cardNumber, 'The card number is exactly 8 digits.');
    assert.equal(fr.json.fields.cardNumber, 'Le numéro de carte compte exactement 8 chiffres.');
    assert.equal(fr.json.fields.firstName, 'Saisissez votre prénom.');
    assert.equal(fr.json.fields.password, 'Utilisez au moins 12 caractères.');
    assert.match(fr.json.fields.email, /^Utilisez une adresse en ASCII simple\u00a0:/);
    assert.equal(fr.json.message, `${Object.keys(en.json.fields).length} champs sont à corriger.`);
    for (const [field, text] of Object.entries(fr.json.fields)) assert.notEqual(text, en.json.fields[field], `${field} is still English`);
  });

  it('are the English byte for byte without Accept-Language, or with English', async () => {
    const none = await postRaw(`${server.url}/api/v1/enroll`, bad);
    const en = await postRaw(`${server.url}/api/v1/enroll`, bad, { 'accept-language': 'en-GB,en;q=0.8' });
    const other = await postRaw(`${server.url}/api/v1/enroll`, bad, { 'accept-language': 'de' });
    assert.equal(en.text, none.text);
    assert.equal(other.text, none.text);
    assert.equal(none.json.message, `${Object.keys(none.json.fields).length} fields need fixing.`);
    assert.equal(none.json.fields.firstName, 'Enter your first name.');
  });

  it('follow the lang cookie over Accept-Language', async () => {
    const fr = await postRaw(`${server.url}/api/v1/enroll`, { ...bad, cardNumber: '12345678' }, { cookie: 'lang=fr', 'accept-language': 'en' });
    assert.equal(fr.json.fields.login, 'Utilisez de 3 à 32 caractères\u00a0: a–z, 0–9, point, tiret bas ou trait d’union, en commençant par une lettre.');
    const en = await postRaw(`${server.url}/api/v1/enroll`, { ...bad, cardNumber: '12345678' }, { cookie: 'lang=en', ...FR });
    assert.equal(en.json.fields.login, 'Use 3 to 32 characters: a–z, 0–9, dot, underscore or hyphen, starting with a letter.');
  });
});

describe('login refusals', () => {
  async function wrongPassword(headers: Record<string, string>) {
    const challenge = await challengeFor(server.url, user.login);
    return postRaw(
      `${server.url}/api/v1/session`,
      { login: user.login, password: `${user.password}-not`, certificate: user.certificate, challenge, signature: signChallenge(user.keyPem, challenge) },
      headers,
    );
  }

  it('a wrong password is said in French with the same code and status', async () => {
    const en = await wrongPassword({});
    const fr = await wrongPassword(FR);
    assert.equal(en.status, 401);
    assert.equal(fr.status, 401);
    assert.equal(en.json.error, 'invalid_credentials');
    assert.equal(fr.json.error, 'invalid_credentials');
    assert.equal(en.text, JSON.stringify({ error: 'invalid_credentials', message: 'The login or the password is wrong.' }));
    assert.equal(fr.json.message, 'L’identifiant ou le mot de passe est incorrect.');
  });

  it('an empty login form names its fields in French', async () => {
    const fr = await postRaw(`${server.url}/api/v1/session`, {}, FR);
    assert.equal(fr.status, 400);
    assert.equal(fr.json.error, 'validation');
    assert.equal(fr.json.fields.login, 'Saisissez votre identifiant.');
    assert.equal(fr.json.fields.password, 'Saisissez votre mot de passe.');
  });

  it('an OCSP request over the size limit is refused in French too, with the language headers', async () => {
    const body = new Uint8Array(70_000);
    const en = await raw(`${server.url}/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body });
    const fr = await raw(`${server.url}/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request', ...FR }, body });
    assert.equal(en.status, 413);
    assert.equal(fr.status, 413);
    assert.equal(fr.json.error, en.json.error);
    assert.notEqual(fr.json.message, en.json.message);
    // The same French text as any other route's refusal of an oversized body.
    const api = await raw(`${server.url}/api/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...FR }, body });
    assert.equal(api.status, 413);
    assert.equal(fr.json.message, api.json.message);
    assert.equal(fr.headers.get('content-language'), 'fr');
    assert.match(fr.headers.get('vary') ?? '', /Accept-Language/);
  });

  it('an unknown path is said in French too', async () => {
    const fr = await raw(`${server.url}/api/v1/nowhere`, { headers: FR });
    assert.equal(fr.status, 404);
    assert.deepEqual(fr.json, { error: 'not_found', message: 'Il n’y a rien à l’adresse GET /api/v1/nowhere.' });
  });
});

describe('rate limits', () => {
  it('a 429 is said in French, with the same code, status and Retry-After', async () => {
    const s = await startInProcess({ env: { TEKUP_ENROLL_PER_MINUTE: '2' } });
    try {
      let last;
      for (let i = 0; i < 3; i++) last = await postJson(`${s.url}/api/v1/enroll`, { login: 'x' }, FR);
      assert.equal(last!.status, 429);
      assert.equal(last!.json.error, 'rate_limited');
      assert.ok(Number(last!.headers.get('retry-after')) >= 1);
      assert.equal(last!.json.retryAfter, Number(last!.headers.get('retry-after')));
      assert.match(last!.json.message, /^Trop de tentatives\u00a0; réessayez dans \d+ s\.$/);
      const en = await postJson(`${s.url}/api/v1/enroll`, { login: 'x' });
      assert.equal(en.status, 429);
      assert.match(en.json.message, /^Too many attempts; try again in \d+ s\.$/);
    } finally {
      await s.close();
    }
  });
});

describe('the catalogue of error texts', () => {
  const placeholders = (m: unknown): string[] =>
    [...new Set((typeof m === 'string' ? [m] : Object.values(m as object)).flatMap((f: string) => [...f.matchAll(/\{(\w+)\}/g)].map((x) => x[1])))].sort();

  it('has a French entry for exactly every English one', () => {
    assert.deepEqual(Object.keys(ERROR_MESSAGES.fr).sort(), Object.keys(ERROR_MESSAGES.en).sort());
  });

  it('keeps every English {placeholder} in the French, and no other', () => {
    for (const id of Object.keys(ERROR_MESSAGES.en) as ErrorId[]) {
      assert.deepEqual(placeholders(ERROR_MESSAGES.fr[id]), placeholders(ERROR_MESSAGES.en[id]), id);
    }
  });

  it('writes French typography: a no-break space before : ; ? ! and inside « », the typographic apostrophe', () => {
    for (const [id, m] of Object.entries(ERROR_MESSAGES.fr)) {
      for (const form of typeof m === 'string' ? [m] : Object.values(m)) {
        assert.doesNotMatch(form, / [:;?!]|« | »/, id);
        assert.doesNotMatch(form, /[a-zà-ÿ]'[a-zà-ÿ]/i, id);
      }
    }
  });

  it('finds every fixed English text back by its id (field messages arrive as text)', () => {
    for (const id of Object.keys(ERROR_MESSAGES.en) as ErrorId[]) {
      const m = ERROR_MESSAGES.en[id];
      if (typeof m !== 'string' || /\{\w+\}/.test(m)) continue;
      const found = sayOfText(m);
      assert.ok(found, id);
      assert.equal(englishText(found.id as never), m, id);
    }
    assert.deepEqual(sayOfText('Use at least 12 characters.'), { id: 'error.text.atLeast', params: { min: '12' } });
    assert.equal(sayOfText('Not one of ours.'), undefined);
  });
});
