// The server's own HTTPS certificate, issued by the intermediate for the configured host names and
// re-issued when the names change or it is within 30 days of expiry.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateRsaKeys, toPem, x509 } from './x509.ts';
import { issueServerCertificate } from './issue.ts';
import { savePrivateKey, writeFileAtomic } from './keyfile.ts';
import type { Authority } from './authority.ts';
import type { Profiles } from './profiles.ts';

export interface TlsFiles {
  key: string;
  /** Leaf then intermediate. */
  cert: string;
}

function covers(cert: x509.X509Certificate, names: string[], now: Date): boolean {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const have = new Set((san?.names.items ?? []).map((n) => n.value));
  return names.every((n) => have.has(n)) && cert.notAfter.getTime() - now.getTime() > 30 * 86_400_000;
}

export async function ensureServerCertificate(
  dataDir: string,
  ca: Authority,
  profiles: Profiles,
  names: string[],
  publicUrl: string,
  now: Date,
): Promise<TlsFiles> {
  const dir = join(dataDir, 'tls');
  const files = { key: join(dir, 'server.key'), cert: join(dir, 'server.pem') };
  if (existsSync(files.key) && existsSync(files.cert)) {
    const current = new x509.X509Certificate(readFileSync(files.cert, 'utf8'));
    if (covers(current, names, now) && (await current.verify({ publicKey: ca.intermediate.publicKey, signatureOnly: true }))) return files;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = await generateRsaKeys(profiles.server.keyBits);
  const cert = await issueServerCertificate(ca, profiles.server, names, keys.publicKey, {
    publicUrl,
    notBefore: new Date(now.getTime() - 60_000),
    days: profiles.server.days,
  });
  await savePrivateKey(files.key, keys.privateKey);
  writeFileAtomic(files.cert, toPem(cert) + toPem(ca.intermediate), 0o644);
  return files;
}
