// Enrolls users with openssl keys and logs them in the way protocol §3 describes.
import { sign as nodeSign, constants, createPrivateKey, type KeyObject } from 'node:crypto';
import { makeCsr } from './openssl.ts';
import { enrollBody, postJson } from './users.ts';
import type { EnrollRequest } from '../../src/protocol/enroll.ts';

export interface Enrolled {
  body: EnrollRequest;
  login: string;
  password: string;
  keyPem: string;
  keyFile: string;
  certificate: string;
  serial: string;
  fingerprint: string;
}

export async function enrollUser(url: string, prefix = 'user'): Promise<Enrolled> {
  const key = makeCsr();
  const { body } = enrollBody(prefix, key);
  const res = await postJson(`${url}/api/v1/enroll`, body);
  if (res.status !== 201) throw new Error(`enrollment failed: ${res.status} ${JSON.stringify(res.json)}`);
  return {
    body,
    login: body.login,
    password: body.password,
    keyPem: key.key,
    keyFile: key.keyFile,
    certificate: res.json.certificate,
    serial: res.json.serial,
    fingerprint: res.json.fingerprint,
  };
}

/** RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32 over the UTF-8 bytes of the challenge. */
/** The challenge signed as protocol §3 says, with a PEM key or one already read (cheaper in a loop). */
export function signChallenge(keyPem: string | KeyObject, challenge: string): string {
  return nodeSign('sha256', Buffer.from(challenge, 'utf8'), {
    key: typeof keyPem === 'string' ? createPrivateKey(keyPem) : keyPem,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  }).toString('base64');
}

export async function challengeFor(url: string, login: string): Promise<string> {
  const res = await postJson(`${url}/api/v1/session/challenge`, { login });
  if (res.status !== 200) throw new Error(`challenge failed: ${res.status}`);
  return res.json.challenge;
}

export interface LoginAttempt {
  login: string;
  password: string;
  certificate: string;
  keyPem: string;
  challenge?: string;
  /** Sent as the login request's User-Agent. */
  userAgent?: string;
}

export async function attemptLogin(url: string, a: LoginAttempt) {
  const challenge = a.challenge ?? (await challengeFor(url, a.login));
  return postJson(`${url}/api/v1/session`, {
    login: a.login,
    password: a.password,
    certificate: a.certificate,
    challenge,
    signature: signChallenge(a.keyPem, challenge),
  }, a.userAgent ? { 'user-agent': a.userAgent } : {});
}

export async function loginAs(url: string, u: Enrolled): Promise<string> {
  const res = await attemptLogin(url, { login: u.login, password: u.password, certificate: u.certificate, keyPem: u.keyPem });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.token;
}
