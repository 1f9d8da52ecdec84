// The login exchange of protocol §3 from the browser: a challenge, its RSA-PSS signature by the
// key, then password + certificate + signature. On success the opened (non-extractable) keys are
// kept for this session so the other pages can use them.
import { signChallenge } from '../challenge.ts';
import type { KeyPair } from '../keys.ts';
import type { ChallengeResponse, SessionResponse } from '../../protocol/session.ts';
import { sinceLastLogin, type ActivityResponse } from '../../protocol/account.ts';
import { api } from './api.ts';
import { saveUnlocked } from './keystore.ts';
import { x509 } from '../x509.ts';

export async function signIn(
  login: string,
  password: string,
  key: KeyPair,
  certificate: string,
  previousDecrypt: CryptoKey[] = [],
  previousSerials: Array<string | undefined> = [],
): Promise<SessionResponse> {
  const { challenge } = await api<ChallengeResponse>('POST', '/api/v1/session/challenge', { login });
  const signature = await signChallenge(challenge, key.privateKeys.sign);
  const session = await api<SessionResponse>('POST', '/api/v1/session', { login, password, certificate, challenge, signature });
  await saveUnlocked({
    login: session.login,
    keys: key.privateKeys,
    certificate,
    serial: new x509.X509Certificate(certificate).serialNumber.toLowerCase(),
    previousDecrypt,
    previousSerials,
  });
  await rememberRefusals();
  return session;
}

export const LOGIN_NOTICE_KEY = 'tekup.login-notice';

/** Attempts refused since the last login are said on the pages of this session until dismissed. */
async function rememberRefusals(): Promise<void> {
  try {
    const { events } = await api<ActivityResponse>('GET', '/api/v1/account/activity');
    const { refused, lastLogin } = sinceLastLogin(events);
    if (refused) sessionStorage.setItem(LOGIN_NOTICE_KEY, JSON.stringify({ refused, lastLogin: lastLogin ?? null }));
    else sessionStorage.removeItem(LOGIN_NOTICE_KEY);
  } catch {
    // Logged in all the same; the activity on My certificate still shows them.
  }
}
