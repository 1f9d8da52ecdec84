// A real TEKUP_chat CA hierarchy (src/pki) in a temporary directory, without a server, to issue
// user certificates for keys made by the client code. CA keys are 2048 bits here to keep tests quick.
import { Authority } from '../../src/pki/authority.ts';
import { issueUserCertificate } from '../../src/pki/issue.ts';
import { PROFILES } from '../../src/pki/profiles.ts';
import { x509 } from '../../src/pki/x509.ts';
import { tempDir } from './server.ts';

export interface TestCa {
  ca: Authority;
  rootPem: string;
  chainPem: string;
  /** A user certificate (UID=<login>) for the public key `spki`, valid from `notBefore` (default: now). */
  issue(login: string, spki: Uint8Array<ArrayBuffer>, notBefore?: Date): Promise<x509.X509Certificate>;
}

export async function testCa(): Promise<TestCa> {
  const profiles = { ...PROFILES, root: { ...PROFILES.root, keyBits: 2048 }, intermediate: { ...PROFILES.intermediate, keyBits: 2048 } };
  const ca = await Authority.open(tempDir('tekup-ca-'), profiles, () => new Date());
  return {
    ca,
    rootPem: ca.rootPem,
    chainPem: ca.chainPem,
    issue: (login, spki, notBefore = new Date()) =>
      issueUserCertificate(ca, PROFILES.user, { login, firstName: 'Test', lastName: 'User', email: `${login}@example.org` }, spki, {
        publicUrl: 'http://127.0.0.1:1',
        notBefore,
        days: PROFILES.user.days,
      }),
  };
}
