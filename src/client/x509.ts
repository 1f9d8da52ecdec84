// The browser's binding of @peculiar/x509 to WebCrypto (the server has its own in src/pki/x509.ts,
// which also uses Node's Buffer). Every client module that touches certificates imports x509 from here.
import 'reflect-metadata'; // @peculiar/x509 uses tsyringe, which needs it loaded first
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };

export const UID_OID = '0.9.2342.19200300.100.1.1';

/** The login a TEKUP_chat certificate names in its subject (UID=<login>), if any. */
export function certificateLogin(cert: x509.X509Certificate): string | undefined {
  return cert.subjectName.getField(UID_OID)[0];
}

/** Protocol conventions: a fingerprint is the lowercase hex SHA-256 of the DER certificate. */
export async function fingerprint(cert: x509.X509Certificate): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', cert.rawData)));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A certificate from PEM, DER or an already parsed one. */
export function asCertificate(cert: x509.X509Certificate | string | Uint8Array<ArrayBuffer>): x509.X509Certificate {
  return cert instanceof x509.X509Certificate ? cert : new x509.X509Certificate(cert);
}
