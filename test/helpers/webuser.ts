// Users whose keys are made by WebCrypto through the browser's own modules (src/client), enrolled
// and logged in over HTTP: the same path the pages take.
import { generateKey, importPublicKeys, type KeyPair } from '../../src/client/keys.ts';
import { makeCsr } from '../../src/client/csr.ts';
import { signChallenge } from '../../src/client/challenge.ts';
import { makeEnvelope } from '../../src/client/envelope.ts';
import { x509 } from '../../src/client/x509.ts';
import type { Envelope } from '../../src/protocol/envelope.ts';
import { uniqueUser, postJson } from './users.ts';

export interface WebUser {
  login: string;
  password: string;
  key: KeyPair;
  certificate: string;
  serial: string;
  token: string;
}

export async function webUser(url: string, prefix = 'web'): Promise<WebUser> {
  const u = uniqueUser(prefix);
  const key = await generateKey();
  key.forget();
  const enrolled = await postJson(`${url}/api/v1/enroll`, { ...u, csr: await makeCsr(key, u.login) });
  if (enrolled.status !== 201) throw new Error(`enroll ${enrolled.status} ${JSON.stringify(enrolled.json)}`);
  const token = await apiLogin(url, { login: u.login, password: u.password, certificate: enrolled.json.certificate, key });
  return { login: u.login, password: u.password, key, certificate: enrolled.json.certificate, serial: enrolled.json.serial, token };
}

/**
 * A new session over the API (protocol §3) for someone whose key the test holds: the challenge
 * signed as the login page signs it. Answers the session's token; each call is another session.
 */
export async function apiLogin(url: string, who: Pick<WebUser, 'login' | 'password' | 'certificate' | 'key'>): Promise<string> {
  const { challenge } = (await postJson(`${url}/api/v1/session/challenge`, { login: who.login })).json;
  const session = await postJson(`${url}/api/v1/session`, {
    login: who.login,
    password: who.password,
    certificate: who.certificate,
    challenge,
    signature: await signChallenge(challenge, who.key.privateKeys.sign),
  });
  if (session.status !== 200) throw new Error(`login ${session.status} ${JSON.stringify(session.json)}`);
  return session.json.token;
}

export async function envelopeFor(from: WebUser, to: WebUser, text: string, extra: { id?: string; sentAt?: Date } = {}): Promise<Envelope> {
  const recipient = await importPublicKeys(new x509.X509Certificate(to.certificate));
  return makeEnvelope({
    from: from.login,
    to: to.login,
    text,
    senderCertSerial: from.serial,
    signKey: from.key.privateKeys.sign,
    recipientPublicKey: recipient.encrypt,
    senderPublicKey: from.key.publicKeys.encrypt,
    ...extra,
  });
}

export function send(url: string, as: WebUser, envelope: unknown) {
  return postJson(`${url}/api/v1/messages`, envelope, { authorization: `Bearer ${as.token}` });
}
