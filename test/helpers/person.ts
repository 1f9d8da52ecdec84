// People for the browser tests, made without the register page: the key is made by WebCrypto
// through the browser's own modules (src/client), enrolled over the API, and put into a browser
// context the way the login page leaves it (src/client/ui/login.ts, signin.ts): the encrypted key
// kept in the app's IndexedDB, the opened non-extractable keys beside it, and a session cookie
// from a challenge signed in that browser. A test about the register or login page drives that
// page itself; every other test starts from here.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { generateKey, OAEP_KEY, PSS_KEY, PSS_SIGN, type KeyPair } from '../../src/client/keys.ts';
import { makeCsr } from '../../src/client/csr.ts';
import { encryptPrivateKey } from '../../src/client/backup.ts';
import { x509 } from '../../src/client/x509.ts';
import { backupFileName, backupFileText } from '../../src/client/ui/backup-file.ts';
import { STORES } from '../../src/client/ui/db.ts';
import type { StoredBackup, UnlockedKey } from '../../src/client/ui/keystore.ts';
import { LOGIN_NOTICE_KEY } from '../../src/client/ui/signin.ts';
import { sinceLastLogin, type ActivityEntry } from '../../src/protocol/account.ts';
import { tempDir } from './server.ts';
import { within } from './browser.ts';
import { postJson, uniqueUser } from './users.ts';
import { apiLogin, envelopeFor, send, type WebUser } from './webuser.ts';

/** The IndexedDB database of src/client/ui/db.ts. */
const DB_NAME = 'tekup-chat';

export interface Person {
  login: string;
  password: string;
  firstName: string;
  lastName: string;
  cardNumber: string;
  email: string;
  certificate: string;
  serial: string;
  /** The WebCrypto key, to sign and open messages from the test itself. */
  key: KeyPair;
  /** PKCS#8 DER in base64, kept by the test (never by a page) to open the key in more browsers. */
  pkcs8: string;
  /** "ENCRYPTED PRIVATE KEY" PEM under the password, as the register page keeps it. */
  backup: string;
  /** The key backup file the register page offers for download. */
  backupFile: string;
}

/** Enrolls a new person over the API with a key made by WebCrypto, as the register page would. */
export async function enrollPerson(url: string, prefix: string, firstName = 'Amira', lastName = 'Ben Salah'): Promise<Person> {
  const u = { ...uniqueUser(prefix), firstName, lastName };
  const key = await generateKey();
  let pkcs8: string;
  let backup: string;
  try {
    pkcs8 = Buffer.from(key.pkcs8).toString('base64');
    backup = await encryptPrivateKey(key.pkcs8, u.password);
  } finally {
    key.forget();
  }
  const enrolled = await postJson(`${url}/api/v1/enroll`, { ...u, csr: await makeCsr(key, u.login) });
  if (enrolled.status !== 201) throw new Error(`enroll ${enrolled.status} ${JSON.stringify(enrolled.json)}`);
  const { certificate, serial } = enrolled.json as { certificate: string; serial: string };
  const backupFile = join(tempDir('tekup-ui-person-'), backupFileName(u.login));
  writeFileSync(backupFile, backupFileText(u.login, backup, certificate));
  return { ...u, certificate, serial, key, pkcs8, backup, backupFile };
}

/**
 * Logs `who` in within `context` as the login page does, without its form: the key is opened here
 * as the two non-extractable keys, the server's challenge is signed in the page and the session
 * asked for by the page's own fetch (so the session is this browser's, with its user agent and its
 * cookie), then the key is kept in IndexedDB (`backups` and `unlocked`, src/client/ui/keystore.ts)
 * and the refused attempts since the last login noted for the session's pages (signin.ts).
 * Answers a page of the context, on /chat.
 */
export async function signIn(context: BrowserContext, url: string, who: Person): Promise<Page> {
  const page = await within(60_000, `a page to sign ${who.login} in`, context.newPage());
  // A page of the app's origin that runs none of the app's scripts (the login page would forget
  // the unlocked keys as it opens).
  await page.goto(`${url}/healthz`);
  const stored: Omit<StoredBackup, 'savedAt'> = { login: who.login, backup: who.backup, certificate: who.certificate, serial: who.serial };
  const events = await within(60_000, `signIn(${who.login})`, page.evaluate(
    async (a) => {
      const at = (s: string) => ((globalThis as { __signInStep?: string }).__signInStep = s);
      at('importing the key');
      const der = Uint8Array.from(atob(a.pkcs8), (c) => c.charCodeAt(0));
      const sign = await crypto.subtle.importKey('pkcs8', der, a.pss, false, ['sign']);
      const decrypt = await crypto.subtle.importKey('pkcs8', der, a.oaep, false, ['decrypt']);
      der.fill(0);
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(path, {
          method,
          credentials: 'same-origin',
          headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
        return JSON.parse(text);
      };
      at('asking for a challenge');
      const { challenge } = await call('POST', '/api/v1/session/challenge', { login: a.stored.login });
      at('signing it and opening the session');
      const signature = new Uint8Array(await crypto.subtle.sign(a.pssSign, sign, new TextEncoder().encode(challenge)));
      await call('POST', '/api/v1/session', {
        login: a.stored.login,
        password: a.password,
        certificate: a.stored.certificate,
        challenge,
        signature: btoa(String.fromCharCode(...signature)),
      });

      at('opening IndexedDB');
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        // No version: the app's own open (a later version) adds what it needs and keeps these records.
        const req = indexedDB.open(a.dbName);
        req.onupgradeneeded = () => {
          for (const name of a.stores) if (!req.result.objectStoreNames.contains(name)) req.result.createObjectStore(name);
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      try {
        at('storing the key in IndexedDB');
        const tx = db.transaction(['backups', 'unlocked'], 'readwrite');
        const backup: StoredBackup = { ...a.stored, savedAt: new Date().toISOString() };
        const unlocked: UnlockedKey = { login: a.stored.login, keys: { sign, decrypt }, certificate: a.stored.certificate, serial: a.unlockedSerial, previousDecrypt: [] };
        tx.objectStore('backups').put(backup, a.stored.login);
        tx.objectStore('unlocked').put(unlocked, a.stored.login);
        await new Promise<void>((resolve, reject) => {
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
          tx.onabort = () => reject(tx.error ?? new Error('aborted'));
        });
      } finally {
        // An open connection would block the app's upgrade to its own version.
        db.close();
      }
      at('reading the activity');
      return (await call('GET', '/api/v1/account/activity')).events;
    },
    {
      pkcs8: who.pkcs8,
      password: who.password,
      stored,
      // signin.ts: the serial of the unlocked key is read from the certificate.
      unlockedSerial: new x509.X509Certificate(who.certificate).serialNumber.toLowerCase(),
      pss: PSS_KEY,
      oaep: OAEP_KEY,
      pssSign: PSS_SIGN,
      dbName: DB_NAME,
      stores: [...STORES],
    },
  ), () => page.evaluate(() => `reached: ${(globalThis as { __signInStep?: string }).__signInStep ?? 'nothing'}`));
  const { refused, lastLogin } = sinceLastLogin(events as ActivityEntry[]);
  await within(60_000, `noting ${who.login}'s refused logins`, page.evaluate(
    ([key, notice]) => (notice ? sessionStorage.setItem(key, notice) : sessionStorage.removeItem(key)),
    [LOGIN_NOTICE_KEY, refused ? JSON.stringify({ refused, lastLogin: lastLogin ?? null }) : ''] as const,
  ));
  await page.goto(`${url}/chat`);
  return page;
}

/** A session of `who` for the API alone (no browser), e.g. to send a message from the test. */
export async function apiSession(url: string, who: Person): Promise<WebUser> {
  return { login: who.login, password: who.password, key: who.key, certificate: who.certificate, serial: who.serial, token: await apiLogin(url, who) };
}

const sessions = new WeakMap<Person, Promise<WebUser>>();

/** `from` writes `text` to `to` over the API (from the test, not a page), sealed and signed as a page would. */
export async function write(url: string, from: Person, to: Person, text: string): Promise<void> {
  if (!sessions.has(from)) sessions.set(from, apiSession(url, from));
  const sender = await sessions.get(from)!;
  const res = await send(url, sender, await envelopeFor(sender, { ...to, token: '' }, text));
  if (res.status !== 201) throw new Error(`send ${res.status} ${JSON.stringify(res.json)}`);
}
