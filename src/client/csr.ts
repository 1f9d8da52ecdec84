// The certificate request of protocol §2, made in the browser. The server writes the subject and
// extensions of the certificate itself, so the request only has to carry the public key and prove
// possession with its self-signature; naming anyone but the applicant would be refused.
import type { KeyPair } from './keys.ts';
import { PSS_KEY, PSS_SIGN } from './keys.ts';
import { UID_OID, x509 } from './x509.ts';
import { LOGIN_PATTERN } from '../protocol/enroll.ts';

/**
 * A PEM PKCS#10 request for `key`, signed with RSASSA-PSS/SHA-256 (salt 32) like everything else
 * this key signs. The subject is `UID=<login>` when a login is given, empty otherwise.
 */
export async function makeCsr(key: KeyPair, login?: string): Promise<string> {
  if (login !== undefined && !LOGIN_PATTERN.test(login)) throw new TypeError('not a valid login');
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: login === undefined ? [] : [{ [UID_OID]: [login] }],
    keys: { privateKey: key.privateKeys.sign, publicKey: key.publicKeys.verify },
    signingAlgorithm: { ...PSS_KEY, ...PSS_SIGN },
  });
  return csr.toString('pem') + '\n';
}
