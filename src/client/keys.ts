// A user's one RSA key serves two algorithms: RSASSA-PSS to sign (login challenges, envelopes,
// messages) and RSA-OAEP to receive message keys (protocol §3, §5). A WebCrypto key is bound to a
// single algorithm, so the PKCS#8 is imported twice, each time as a non-extractable key: once in
// memory (or IndexedDB) the private key cannot be read back by any script.
import { asCertificate, type x509 } from './x509.ts';
import { t } from './i18n.ts';

export const PSS_KEY: RsaHashedImportParams = { name: 'RSA-PSS', hash: 'SHA-256' };
/** Protocol §3/§5: salt length 32 (MGF1 uses the same SHA-256 in WebCrypto). */
export const PSS_SIGN: RsaPssParams = { name: 'RSA-PSS', saltLength: 32 };
export const OAEP_KEY: RsaHashedImportParams = { name: 'RSA-OAEP', hash: 'SHA-256' };
export const MIN_RSA_BITS = 2048;

/** The private halves: one to sign, one to unwrap message keys. */
export interface PrivateKeys {
  sign: CryptoKey;
  decrypt: CryptoKey;
}

/** The public halves of someone's key: to verify what they sign, to wrap keys for them. */
export interface PublicKeys {
  verify: CryptoKey;
  encrypt: CryptoKey;
}

export interface KeyPair {
  privateKeys: PrivateKeys;
  publicKeys: PublicKeys;
  /** DER SubjectPublicKeyInfo, for the CSR. */
  spki: Uint8Array<ArrayBuffer>;
}

export interface NewKey extends KeyPair {
  /**
   * The private key as PKCS#8 DER, handed out once so the caller can make the encrypted backup.
   * Call `forget()` right after: it overwrites these bytes.
   */
  pkcs8: Uint8Array<ArrayBuffer>;
  forget(): void;
}

export class KeyImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyImportError';
  }
}

/** A fresh RSA key (2048 bits or more, e = 65537) usable for RSA-PSS and RSA-OAEP. */
export async function generateKey(bits = MIN_RSA_BITS): Promise<NewKey> {
  if (!Number.isInteger(bits) || bits < MIN_RSA_BITS) throw new RangeError(`RSA keys have ${MIN_RSA_BITS} bits or more`);
  // Extractable only here, and only so the PKCS#8 can be exported once for the backup and the re-imports.
  const pair = await crypto.subtle.generateKey({ ...PSS_KEY, modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify']);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const key = await importPrivateKey(pkcs8);
  return { ...key, pkcs8, forget: () => pkcs8.fill(0) };
}

/** Imports a PKCS#8 RSA private key (from a backup, or openssl) as the two non-extractable keys. */
export async function importPrivateKey(pkcs8: Uint8Array<ArrayBuffer>): Promise<KeyPair> {
  let sign: CryptoKey;
  let decrypt: CryptoKey;
  let extractable: CryptoKey;
  try {
    sign = await crypto.subtle.importKey('pkcs8', pkcs8, PSS_KEY, false, ['sign']);
    decrypt = await crypto.subtle.importKey('pkcs8', pkcs8, OAEP_KEY, false, ['decrypt']);
    // A JWK of the private key carries the public modulus and exponent; this copy lives only in this call.
    extractable = await crypto.subtle.importKey('pkcs8', pkcs8, PSS_KEY, true, ['sign']);
  } catch {
    throw new KeyImportError(t('acct.key.not-private'));
  }
  checkBits(sign.algorithm);
  const { n, e } = await crypto.subtle.exportKey('jwk', extractable);
  const verify = await crypto.subtle.importKey('jwk', { kty: 'RSA', n, e, alg: 'PS256', ext: true }, PSS_KEY, true, ['verify']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', verify));
  const encrypt = await importPublicKeys(spki).then((k) => k.encrypt);
  return { privateKeys: { sign, decrypt }, publicKeys: { verify, encrypt }, spki };
}

/** Someone's public key (DER SPKI, or their certificate) for both algorithms. */
export async function importPublicKeys(spkiOrCert: Uint8Array<ArrayBuffer> | x509.X509Certificate): Promise<PublicKeys> {
  const spki = spkiOrCert instanceof Uint8Array ? spkiOrCert : new Uint8Array(asCertificate(spkiOrCert).publicKey.rawData);
  let verify: CryptoKey;
  let encrypt: CryptoKey;
  try {
    verify = await crypto.subtle.importKey('spki', spki, PSS_KEY, true, ['verify']);
    encrypt = await crypto.subtle.importKey('spki', spki, OAEP_KEY, true, ['encrypt']);
  } catch {
    throw new KeyImportError(t('acct.key.not-public'));
  }
  checkBits(verify.algorithm);
  return { verify, encrypt };
}

function checkBits(alg: KeyAlgorithm): void {
  const bits = (alg as RsaHashedKeyAlgorithm).modulusLength;
  if (!(bits >= MIN_RSA_BITS)) throw new KeyImportError(t('acct.key.too-short', { bits: String(bits), min: String(MIN_RSA_BITS) }));
}

export async function signPss(key: CryptoKey, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.sign(PSS_SIGN, key, data));
}

export async function verifyPss(key: CryptoKey, signature: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<boolean> {
  try {
    return await crypto.subtle.verify(PSS_SIGN, key, signature, data);
  } catch {
    return false; // a signature of the wrong size throws in some engines; it is just a bad signature
  }
}
