// The key backup file a person downloads: the encrypted private key (openssl reads it:
// `openssl pkcs8 -in FILE`) followed by the certificate issued for it, so one file is enough to log
// in from another browser. Reading accepts that file, or a key and a certificate from elsewhere.
import { fromPem, pemBlocks } from '../pem.ts';
import { BACKUP_ITERATIONS } from '../backup.ts';

export function backupFileText(login: string, encryptedKeyPem: string, certificatePem: string, previous: string[] = []): string {
  const older = previous.length
    ? ['', `Earlier keys, replaced by renewals (${previous.length}), encrypted the same way: they open messages from before each renewal.`, ...previous.map((p) => p.trim())]
    : [];
  return [
    `TEKUP_chat key backup for ${login}`,
    `The private key below is encrypted with your password (PKCS#8, PBES2: PBKDF2-HMAC-SHA256 ${BACKUP_ITERATIONS} iterations, AES-256-CBC).`,
    'The certificate after it is public. Keep this file somewhere safe: it lets you log in from another browser.',
    '',
    encryptedKeyPem.trim(),
    certificatePem.trim(),
    ...older,
    '',
  ].join('\n');
}

export const backupFileName = (login: string) => `${login}-tekup-chat-key.pem`;

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
