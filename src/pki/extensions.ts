// Turns profile data (certs/profiles.json) into @peculiar/x509 extension objects.
import { x509 } from './x509.ts';
import type { ExtKeyUsageName, KeyUsageName } from './profiles.ts';

export function keyUsage(names: KeyUsageName[]): x509.KeyUsagesExtension {
  const flags = names.reduce((acc, n) => acc | x509.KeyUsageFlags[n], 0);
  return new x509.KeyUsagesExtension(flags, true);
}

export function extKeyUsage(names: ExtKeyUsageName[]): x509.ExtendedKeyUsageExtension {
  return new x509.ExtendedKeyUsageExtension(names.map((n) => x509.ExtendedKeyUsage[n]), false);
}

/** The links every issued certificate carries: where to fetch the CRL, ask OCSP and find the issuer. */
export function revocationLinks(publicUrl: string): x509.Extension[] {
  return [
    new x509.CRLDistributionPointsExtension([`${publicUrl}/ca/crl`]),
    new x509.AuthorityInfoAccessExtension({
      ocsp: [new x509.GeneralName('url', `${publicUrl}/ocsp`)],
      caIssuers: [new x509.GeneralName('url', `${publicUrl}/ca/intermediate.cer`)],
    }),
  ];
}
