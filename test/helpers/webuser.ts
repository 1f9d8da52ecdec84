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
  const { challenge } = (await postJson(`${url}/api/v1/session/challenge`, { login: u.login })).json;
  const session = await postJson(`${url}/api/v1/session`, {
    login: u.login,
    password: u.password,
    certificate: enrolled.json.certificate,
    challenge,
    signature: await signChallenge(challenge, key.privateKeys.sign),
  });
  if (session.status !== 200) throw new Error(`login ${session.status} ${JSON.stringify(session.json)}`);
  return { login: u.login, password: u.password, key, certificate: enrolled.json.certificate, serial: enrolled.json.serial, token: session.json.token };
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
