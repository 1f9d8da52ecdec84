// CA private keys live on disk as PKCS#8 PEM readable by the owner only (mode 0600).
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { x509 } from './x509.ts';

/** Writes a file atomically (temp + fsync + rename) with the given mode. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, mode); // the umask may have narrowed or the file may have existed
  renameSync(tmp, path);
}

export async function savePrivateKey(path: string, key: CryptoKey): Promise<void> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  writeFileAtomic(path, x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n', 0o600);
}

export async function loadPrivateKey(path: string, algorithm: RsaHashedImportParams): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(readFileSync(path, 'utf8'))[0];
  return crypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
}
