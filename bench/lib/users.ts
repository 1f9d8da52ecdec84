// Users for the benchmarks: enrolled over HTTP like anyone else, logged in with the challenge
// signature of protocol §3, and envelopes signed as protocol §5 asks. Each has a key of its own:
// the CA certifies a key once (protocol §2, one key, one identity). WebCrypto makes them on the
// thread pool, in parallel, before anything is measured.
import { createPrivateKey, randomBytes, randomUUID, sign, constants, type KeyObject } from 'node:crypto';
import { newKeyCsrs, postJson } from '../../test/helpers/users.ts';
import { signChallenge } from '../../test/helpers/login.ts';
import { jcs } from '../../src/client/jcs.ts';
import type { EnrollRequest } from '../../src/protocol/enroll.ts';
import type { Envelope, EnvelopeV2 } from '../../src/protocol/envelope.ts';

export interface BenchUser {
  login: string;
  password: string;
  certificate: string;
  serial: string;
  keyPem: string;
  token?: string;
}

/** An RSA-2048 key (PKCS#8 PEM) and a CSR for it. */
export interface BenchKey {
  key: string;
  csr: string;
}

/** `n` fresh keys with their CSRs, made concurrently. */
export const benchKeys = (n: number): Promise<BenchKey[]> => newKeyCsrs(n, 'O=Bench');

const run = `${Date.now().toString(36).slice(-4)}${process.pid.toString(36)}`;
// Card numbers must be unique too; each benchmark starts from an empty data directory.
let counter = 0;

/** A valid enrollment body with a fresh identity (login, card number, email) for the given CSR. */
export function enrollRequest(prefix: string, csr: string): EnrollRequest {
  const n = ++counter;
  const login = `${prefix}${run}x${n}`.toLowerCase().slice(0, 32);
  return {
    cardNumber: String(10_000_000 + n),
    firstName: 'Bench',
    lastName: 'User',
    login,
    email: `${login}@example.org`,
    password: `correct horse battery ${login}`,
    csr,
  };
}

/** Enrolls `n` users, `concurrency` at a time. */
export async function enrollMany(url: string, n: number, prefix: string, concurrency = 4): Promise<BenchUser[]> {
  const out: BenchUser[] = [];
  const keys = await benchKeys(n);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const { key, csr } = keys[next++];
      const body = enrollRequest(prefix, csr);
      const res = await postJson(`${url}/api/v1/enroll`, body);
      if (res.status !== 201) throw new Error(`enroll ${res.status} ${JSON.stringify(res.json)}`);
      out.push({ login: body.login, password: body.password, certificate: res.json.certificate, serial: res.json.serial, keyPem: key });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return out;
}

export async function logIn(url: string, u: BenchUser): Promise<string> {
  const { challenge } = (await postJson(`${url}/api/v1/session/challenge`, { login: u.login })).json;
  const res = await postJson(`${url}/api/v1/session`, {
    login: u.login,
    password: u.password,
    certificate: u.certificate,
    challenge,
    signature: signChallenge(u.keyPem, challenge),
  });
  if (res.status !== 200) throw new Error(`login ${res.status} ${JSON.stringify(res.json)}`);
  u.token = res.json.token;
  return res.json.token;
}

const keyObjects = new Map<string, KeyObject>();

/**
 * An envelope from `from` to `to` whose outer signature verifies. The ciphertext and wrapped keys
 * are random bytes of realistic sizes: the server never opens them, so its work is the same as for
 * a real message (the client tests cover real sealing).
 */
export function envelope(from: BenchUser, to: string, sentAt = new Date()): Envelope {
  const e = unsignedEnvelope(from, to, sentAt);
  const sig = sign('sha256', Buffer.from(jcs(e)), { key: signingKey(from), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');
  return { ...e, sig };
}

/** `from`'s private key, parsed once per user. */
export function signingKey(from: BenchUser): KeyObject {
  let key = keyObjects.get(from.keyPem);
  if (!key) keyObjects.set(from.keyPem, (key = createPrivateKey(from.keyPem)));
  return key;
}

export const randomBase64 = (bytes: number) => randomBytes(bytes).toString('base64');

/** A version 1 envelope but its signature: random ciphertext and wrapped keys of realistic sizes. */
export function unsignedEnvelope(from: BenchUser, to: string, sentAt = new Date()): Omit<Envelope, 'sig'> {
  return {
    v: 1,
    id: randomUUID(),
    from: from.login,
    to,
    sentAt: sentAt.toISOString(),
    cert: from.serial,
    iv: randomBase64(12),
    ct: randomBase64(600),
    keys: { [from.login]: randomBase64(256), [to]: randomBase64(256) },
  };
}

/**
 * A version 2 envelope from `from`'s first device to `to` (a login or a group, with its epoch), a
 * key wrapped for each serial: random bytes, the server never opens them.
 */
export function envelopeV2(from: BenchUser, to: string, serials: readonly string[], epoch?: number): EnvelopeV2 {
  const { v: _v, keys: _keys, ...common } = unsignedEnvelope(from, to);
  const e: Omit<EnvelopeV2, 'sig'> = { ...common, v: 2, ...(epoch !== undefined ? { epoch } : {}), keys: Object.fromEntries(serials.map((s) => [s, randomBase64(256)])) };
  const sig = sign('sha256', Buffer.from(jcs(e)), { key: signingKey(from), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64');
  return { ...e, sig };
}

/** The POST of an envelope as a load-generator request. */
export function messageRequest(as: BenchUser, e: Envelope | EnvelopeV2) {
  return {
    method: 'POST',
    path: '/api/v1/messages',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${as.token}` },
    body: JSON.stringify(e),
  };
}
