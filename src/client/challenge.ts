// Protocol §3: the login proof of the private key is an RSASSA-PSS signature (SHA-256, MGF1-SHA-256,
// salt 32) over the exact UTF-8 bytes of the challenge string the server issued.
import { toBase64 } from '../protocol/base64.ts';
import { signPss } from './keys.ts';

/** The base64 `signature` field of POST /api/v1/session. */
export async function signChallenge(challenge: string, signKey: CryptoKey): Promise<string> {
  return toBase64(await signPss(signKey, new TextEncoder().encode(challenge)));
}
