// A password-protected copy of the private key that another browser (or openssl) can read back:
// an encrypted PKCS#8 "ENCRYPTED PRIVATE KEY" PEM with PBES2 (RFC 8018) = PBKDF2-HMAC-SHA256 and
// AES-256-CBC, the same format `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256` writes,
// so `openssl pkcs8 -in backup.pem` opens it without our code.
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { EncryptedPrivateKeyInfo, PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { fromPem, toPem } from './pem.ts';
import { OID, Pbes2Params, Pbkdf2Params } from './pbes2.ts';
import { importPrivateKey, type KeyPair } from './keys.ts';
import { CodedError } from './coded-error.ts';
import { t } from './i18n.ts';

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; the backup is offline-attackable once copied. */
export const BACKUP_ITERATIONS = 600_000;
/** Reading a file someone hands us must not freeze the page for minutes. */
export const MAX_IMPORT_ITERATIONS = 10_000_000;
const PEM_LABEL = 'ENCRYPTED PRIVATE KEY';

const PRF_HASH: Record<string, string> = {
  [OID.hmacWithSHA1]: 'SHA-1', // the ASN.1 default, still written by old tools; read only
  [OID.hmacWithSHA256]: 'SHA-256',
  [OID.hmacWithSHA384]: 'SHA-384',
  [OID.hmacWithSHA512]: 'SHA-512',
};
const AES_CBC_BITS: Record<string, number> = { [OID.aes128Cbc]: 128, [OID.aes192Cbc]: 192, [OID.aes256Cbc]: 256 };

export type BackupFailure = 'not_a_backup' | 'unsupported' | 'wrong_password';

export class BackupError extends CodedError<BackupFailure> {}

async function deriveAesKey(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number, hash: string, bits: number, usage: KeyUsage): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', salt, iterations, hash }, base, { name: 'AES-CBC', length: bits }, false, [usage]);
}

/** Encrypts a PKCS#8 DER private key under `password`; returns the PEM to save. */
export async function encryptPrivateKey(pkcs8: Uint8Array<ArrayBuffer>, password: string, iterations = BACKUP_ITERATIONS): Promise<string> {
  if (!password) throw new BackupError('wrong_password', t('acct.backup.no-password'));
  if (!Number.isInteger(iterations) || iterations < BACKUP_ITERATIONS) throw new RangeError(`use ${BACKUP_ITERATIONS} PBKDF2 iterations or more`);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const key = await deriveAesKey(password, salt, iterations, 'SHA-256', 256, 'encrypt');
  const encrypted = await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, key, pkcs8); // PKCS#7 padding, as PBES2 wants

  const params = new Pbes2Params({
    keyDerivationFunc: new AlgorithmIdentifier({
      algorithm: OID.pbkdf2,
      parameters: AsnConvert.serialize(
        new Pbkdf2Params({ salt: new OctetString(salt), iterationCount: iterations, prf: new AlgorithmIdentifier({ algorithm: OID.hmacWithSHA256, parameters: null }) }),
      ),
    }),
    encryptionScheme: new AlgorithmIdentifier({ algorithm: OID.aes256Cbc, parameters: AsnConvert.serialize(new OctetString(iv)) }),
  });
  const info = new EncryptedPrivateKeyInfo({
    encryptionAlgorithm: new AlgorithmIdentifier({ algorithm: OID.pbes2, parameters: AsnConvert.serialize(params) }),
    encryptedData: new OctetString(encrypted),
  });
  return toPem(PEM_LABEL, AsnConvert.serialize(info));
}

interface Scheme {
  salt: Uint8Array<ArrayBuffer>;
  iterations: number;
  hash: string;
  bits: number;
  iv: Uint8Array<ArrayBuffer>;
  data: Uint8Array<ArrayBuffer>;
}

function readScheme(pem: string): Scheme {
  let info: EncryptedPrivateKeyInfo;
  let pbes2: Pbes2Params;
  let kdf: Pbkdf2Params;
  try {
    info = AsnConvert.parse(fromPem(pem, PEM_LABEL), EncryptedPrivateKeyInfo);
  } catch {
    throw new BackupError('not_a_backup', t('acct.backup.not-encrypted', { label: PEM_LABEL }));
  }
  const unsupported = (what: string) => new BackupError('unsupported', t('acct.backup.unsupported', { what }));
  if (info.encryptionAlgorithm.algorithm !== OID.pbes2 || !info.encryptionAlgorithm.parameters) throw unsupported(t('acct.backup.unsupported.scheme', { oid: info.encryptionAlgorithm.algorithm }));
  try {
    pbes2 = AsnConvert.parse(info.encryptionAlgorithm.parameters, Pbes2Params);
    if (pbes2.keyDerivationFunc.algorithm !== OID.pbkdf2 || !pbes2.keyDerivationFunc.parameters) throw unsupported(t('acct.backup.unsupported.kdf', { oid: pbes2.keyDerivationFunc.algorithm }));
    kdf = AsnConvert.parse(pbes2.keyDerivationFunc.parameters, Pbkdf2Params);
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw new BackupError('not_a_backup', t('acct.backup.bad-params'));
  }
  const hash = PRF_HASH[kdf.prf?.algorithm ?? OID.hmacWithSHA1];
  if (!hash) throw unsupported(t('acct.backup.unsupported.prf', { oid: String(kdf.prf?.algorithm) }));
  const bits = AES_CBC_BITS[pbes2.encryptionScheme.algorithm];
  if (!bits) throw unsupported(t('acct.backup.unsupported.cipher', { oid: pbes2.encryptionScheme.algorithm }));
  if (kdf.keyLength !== undefined && kdf.keyLength * 8 !== bits) throw new BackupError('not_a_backup', t('acct.backup.bad-key-length'));
  if (!(kdf.iterationCount >= 1 && kdf.iterationCount <= MAX_IMPORT_ITERATIONS)) throw unsupported(t('acct.backup.unsupported.iterations', { iterations: String(kdf.iterationCount) }));
  let iv: Uint8Array<ArrayBuffer>;
  try {
    iv = new Uint8Array(AsnConvert.parse(pbes2.encryptionScheme.parameters ?? new ArrayBuffer(0), OctetString).buffer);
  } catch {
    throw new BackupError('not_a_backup', t('acct.backup.bad-iv'));
  }
  if (iv.length !== 16) throw new BackupError('not_a_backup', t('acct.backup.iv-size'));
  return { salt: new Uint8Array(kdf.salt.buffer), iterations: kdf.iterationCount, hash, bits, iv, data: new Uint8Array(info.encryptedData.buffer) };
}

/** The PKCS#8 DER inside a backup. The caller should `fill(0)` it once imported. */
export async function decryptPrivateKey(pem: string, password: string): Promise<Uint8Array<ArrayBuffer>> {
  const s = readScheme(pem);
  const key = await deriveAesKey(password, s.salt, s.iterations, s.hash, s.bits, 'decrypt');
  const wrong = () => new BackupError('wrong_password', t('acct.backup.wrong-password'));
  let pkcs8: Uint8Array<ArrayBuffer>;
  try {
    pkcs8 = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: s.iv }, key, s.data));
  } catch {
    throw wrong(); // bad padding: almost always a wrong password
  }
  try {
    // The rare wrong password that still unpads gives garbage, which is not a PrivateKeyInfo.
    AsnConvert.parse(pkcs8, PrivateKeyInfo);
  } catch {
    pkcs8.fill(0);
    throw wrong();
  }
  return pkcs8;
}

/** Opens a backup and imports its key as the two non-extractable keys; the PKCS#8 is wiped. */
export async function importBackup(pem: string, password: string): Promise<KeyPair> {
  const pkcs8 = await decryptPrivateKey(pem, password);
  try {
    return await importPrivateKey(pkcs8);
  } finally {
    pkcs8.fill(0);
  }
}
