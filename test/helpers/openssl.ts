// Keys, requests and certificates made by the openssl CLI: the outside world's view of our PKI.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './server.ts';

export function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

export interface KeyAndCsr {
  dir: string;
  keyFile: string;
  csrFile: string;
  key: string;
  csr: string;
}

/** A private key and a CSR for it; `keyArgs` picks the key (RSA-2048 by default). */
export function makeCsr(subject = '/O=Somewhere', keyArgs = ['-newkey', 'rsa:2048']): KeyAndCsr {
  const dir = tempDir('tekup-openssl-');
  const keyFile = join(dir, 'key.pem');
  const csrFile = join(dir, 'req.pem');
  openssl(['req', '-new', ...keyArgs, '-nodes', '-keyout', keyFile, '-subj', subject, '-out', csrFile]);
  return { dir, keyFile, csrFile, key: readFileSync(keyFile, 'utf8'), csr: readFileSync(csrFile, 'utf8') };
}

/** A CSR for an existing key file. */
export function csrForKey(keyFile: string, subject = '/O=Somewhere'): string {
  return openssl(['req', '-new', '-key', keyFile, '-subj', subject]);
}

export function writeTemp(name: string, content: string): string {
  const file = join(tempDir('tekup-file-'), name);
  writeFileSync(file, content);
  return file;
}
