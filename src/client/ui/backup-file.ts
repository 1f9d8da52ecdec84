// The key backup file a person downloads: the encrypted private key (openssl reads it:
// `openssl pkcs8 -in FILE`) followed by the certificate issued for it, so one file is enough to log
// in from another browser. Reading accepts that file, or a key and a certificate from elsewhere.
// The words above the PEM blocks (and the file's name) are in the page's language; reading looks
// only at the blocks, so a file saved in one language opens in any.
import { fromPem, pemBlocks } from '../pem.ts';
import { BACKUP_ITERATIONS } from '../backup.ts';
import { t } from '../i18n.ts';

export function backupFileText(login: string, encryptedKeyPem: string, certificatePem: string, previous: string[] = []): string {
  const older = previous.length
    ? ['', t('acct.backup-file.earlier', { count: previous.length }), ...previous.map((p) => p.trim())]
    : [];
  return [
    t('acct.backup-file.title', { login }),
    // Written as openssl prints it ("600000"), not as a number for reading.
    t('acct.backup-file.encrypted', { iterations: String(BACKUP_ITERATIONS) }),
    t('acct.backup-file.public'),
    '',
    encryptedKeyPem.trim(),
    certificatePem.trim(),
    ...older,
    '',
  ].join('\n');
}

export const backupFileName = (login: string) => t('acct.backup-file.name', { login });

export interface KeyFile {
  /** "ENCRYPTED PRIVATE KEY" PEM block, when the file holds one. */
  encrypted?: string;
  /** Further "ENCRYPTED PRIVATE KEY" blocks: earlier keys, for older messages. */
  older: string[];
  /** PKCS#8 DER of an unencrypted "PRIVATE KEY" block. */
  plain?: Uint8Array<ArrayBuffer>;
  certificate?: string;
}

export function readKeyFile(text: string): KeyFile {
  const out: KeyFile = { older: [] };
  const encrypted = pemBlocks(text, 'ENCRYPTED PRIVATE KEY');
  if (encrypted.length) {
    out.encrypted = encrypted[0];
    out.older = encrypted.slice(1);
  }
  else if (pemBlocks(text, 'PRIVATE KEY').length) out.plain = fromPem(pemBlocks(text, 'PRIVATE KEY')[0], 'PRIVATE KEY');
  const certs = pemBlocks(text, 'CERTIFICATE');
  if (certs.length) out.certificate = certs[0] + '\n';
  return out;
}
