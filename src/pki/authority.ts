// The CA hierarchy (protocol §1): a self-signed root (pathLen 1) and an intermediate issuing CA
// (pathLen 0) created on first start and reused afterwards. Only the intermediate key is loaded
// for signing; the root key is used once, to sign the intermediate, and then stays on disk.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CA_SIGNING, fingerprint, generateRsaKeys, randomSerial, toPem, x509 } from './x509.ts';
import { keyUsage } from './extensions.ts';
import { loadPrivateKey, savePrivateKey, writeFileAtomic } from './keyfile.ts';
import type { CaProfile, Profiles } from './profiles.ts';

const DAY = 86_400_000;

export interface CaFiles {
  dir: string;
  rootKey: string;
  rootCert: string;
  intermediateKey: string;
  intermediateCert: string;
}

export function caFiles(dataDir: string): CaFiles {
  const dir = join(dataDir, 'ca');
  return {
    dir,
    rootKey: join(dir, 'root.key'),
    rootCert: join(dir, 'root.pem'),
    intermediateKey: join(dir, 'intermediate.key'),
    intermediateCert: join(dir, 'intermediate.pem'),
  };
}

export class Authority {
  readonly root: x509.X509Certificate;
  readonly intermediate: x509.X509Certificate;
  readonly signingKey: CryptoKey;
  readonly rootFingerprint: string;
  readonly intermediateFingerprint: string;
  readonly files: CaFiles;

  private constructor(
    files: CaFiles,
    root: x509.X509Certificate,
    intermediate: x509.X509Certificate,
    signingKey: CryptoKey,
    fps: [string, string],
  ) {
    this.files = files;
    this.root = root;
    this.intermediate = intermediate;
    this.signingKey = signingKey;
    [this.rootFingerprint, this.intermediateFingerprint] = fps;
  }

  /** Loads the hierarchy from `dataDir/ca`, creating it when it is not there (or was left half-made). */
  static async open(dataDir: string, profiles: Profiles, now: () => Date): Promise<Authority> {
    const files = caFiles(dataDir);
    if (!existsSync(files.intermediateCert)) await create(files, profiles, now());
    const root = new x509.X509Certificate(readFileSync(files.rootCert, 'utf8'));
    const intermediate = new x509.X509Certificate(readFileSync(files.intermediateCert, 'utf8'));
    const key = await loadPrivateKey(files.intermediateKey, CA_SIGNING);
    return new Authority(files, root, intermediate, key, [await fingerprint(root), await fingerprint(intermediate)]);
  }

  get rootPem(): string {
    return toPem(this.root);
  }

  /** Protocol §1: intermediate then root. */
  get chainPem(): string {
    return toPem(this.intermediate) + toPem(this.root);
  }
}

async function caCertificate(
  profile: CaProfile,
  keys: CryptoKeyPair,
  issuer: { name: string; key: CryptoKey; cert?: x509.X509Certificate },
  notBefore: Date,
): Promise<x509.X509Certificate> {
  const subject = new x509.Name(profile.subject).toString();
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: issuer.name || subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + profile.days * DAY),
    publicKey: keys.publicKey,
    signingKey: issuer.key,
    signingAlgorithm: CA_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, profile.pathLength, true),
      keyUsage(profile.keyUsage),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.cert ? issuer.cert.publicKey : keys.publicKey),
    ],
  });
}

async function create(files: CaFiles, profiles: Profiles, now: Date): Promise<void> {
  // Anything left from an interrupted first start is discarded: nothing can have been issued yet,
  // because the intermediate certificate (written last) is what marks the hierarchy as complete.
  rmSync(files.dir, { recursive: true, force: true });
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const notBefore = new Date(now.getTime() - 60_000); // tolerate small clock skew at relying parties
  const rootKeys = await generateRsaKeys(profiles.root.keyBits);
  const root = await caCertificate(profiles.root, rootKeys, { name: '', key: rootKeys.privateKey }, notBefore);
  const intKeys = await generateRsaKeys(profiles.intermediate.keyBits);
  const intermediate = await caCertificate(
    profiles.intermediate,
    intKeys,
    { name: root.subject, key: rootKeys.privateKey, cert: root },
    notBefore,
  );
  await savePrivateKey(files.rootKey, rootKeys.privateKey);
  writeFileAtomic(files.rootCert, toPem(root), 0o644);
  await savePrivateKey(files.intermediateKey, intKeys.privateKey);
  writeFileAtomic(files.intermediateCert, toPem(intermediate), 0o644);
}
