// The delegated OCSP responder (RFC 6960 §4.2.2.2): an ECDSA P-256 key and a certificate for it,
// issued by the intermediate (the issuer of every user certificate) with id-kp-OCSPSigning, so that
// each OCSP response costs one P-256 signature (~25 µs) instead of one RSA-3072 signature by the
// intermediate (~400 µs). The intermediate's key still signs nothing but certificates and CRLs.
//
// The certificate carries id-pkix-ocsp-nocheck, so relying parties never ask about its own
// revocation (RFC 6960 §4.2.2.2.1); what bounds a stolen responder key instead is a short life:
// 7 days, replaced once half of it has passed — at start, or by the first response signed after.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyObject, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { CA_SIGNING, keyIdentifier, randomSerial, toPem, x509 } from './x509.ts';
import { keyUsage } from './extensions.ts';
import { savePrivateKey, writeFileAtomic } from './keyfile.ts';
import type { Authority } from './authority.ts';
import type { Log } from '../log.ts';

const DAY = 86_400_000;
export const RESPONDER_DAYS = 7;
/** A failed renewal (a full disk, say) is tried again this much later, not on every response. */
const RETRY_MS = 60_000;
const ID_PKIX_OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';
/** ecdsa-with-SHA256 (RFC 5758 §3.2: no parameters). */
export const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const EC_KEY: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

export function responderFiles(caDir: string): { key: string; cert: string } {
  return { key: join(caDir, 'ocsp-responder.key'), cert: join(caDir, 'ocsp-responder.pem') };
}

export function responderSubject(): x509.Name {
  return new x509.Name([{ CN: ['TEKUP_chat OCSP responder'] }, { O: ['TEKUP_chat'] }]);
}

/** One responder certificate and its key, with what every response needs from them, computed once. */
export class ResponderCredentials {
  readonly cert: x509.X509Certificate;
  /** responderID byKey: SHA-1 of the value of the certificate's subjectPublicKey BIT STRING. */
  readonly keyHash: Uint8Array;
  /** Unix ms: from here on a replacement is issued. */
  readonly renewAt: number;
  private readonly key: KeyObject;

  constructor(cert: x509.X509Certificate, key: KeyObject) {
    this.cert = cert;
    this.key = key;
    this.keyHash = keyIdentifier(new Uint8Array(cert.publicKey.rawData));
    const from = cert.notBefore.getTime();
    this.renewAt = from + (cert.notAfter.getTime() - from) / 2;
  }

  /** ecdsa-with-SHA256 over `data`, as the DER ECDSA-Sig-Value X.509 and OCSP carry. */
  sign(data: Uint8Array | ArrayBuffer): ArrayBuffer {
    // Synchronous: a P-256 signature costs less event-loop time than handing it to the thread pool.
    const sig = sign('sha256', data instanceof Uint8Array ? data : new Uint8Array(data), { key: this.key, dsaEncoding: 'der' });
    return sig.buffer.slice(sig.byteOffset, sig.byteOffset + sig.byteLength) as ArrayBuffer;
  }

  validAt(ms: number): boolean {
    return this.cert.notBefore.getTime() <= ms && ms < this.cert.notAfter.getTime();
  }
}

export interface OcspSignerDeps {
  ca: Authority;
  now: () => Date;
  log: Log;
  /**
   * Write a new responder key and certificate to the data directory (default). Off for the admin
   * command line: it serves no OCSP, and must not replace files the running server relies on.
   */
  persist?: boolean;
}

export class OcspSigner {
  private readonly d: OcspSignerDeps;
  private readonly files: { key: string; cert: string };
  private cred: ResponderCredentials;
  private renewing: Promise<void> | undefined;
  private retryAt = 0;

  private constructor(deps: OcspSignerDeps, cred: ResponderCredentials) {
    this.d = deps;
    this.files = responderFiles(deps.ca.files.dir);
    this.cred = cred;
  }

  /** The responder on disk next to the CA keys when it is still good for at least half its life; a new one otherwise. */
  static async open(deps: OcspSignerDeps): Promise<OcspSigner> {
    const files = responderFiles(deps.ca.files.dir);
    const kept = await load(files, deps.ca, deps.now().getTime());
    return new OcspSigner(deps, kept ?? announced(deps, await issue(files, deps.ca, deps.now(), deps.persist ?? true)));
  }

  /**
   * What to sign with now. Past the renewal point, the first caller starts the one renewal and waits
   * for it; callers meanwhile keep the current certificate, which stays valid for days yet.
   */
  current(): ResponderCredentials | Promise<ResponderCredentials> {
    const now = this.d.now().getTime();
    if (now < this.cred.renewAt) return this.cred;
    if (this.renewing) return this.cred.validAt(now) ? this.cred : this.renewing.then(() => this.usable(now));
    if (now < this.retryAt) return this.usable(now);
    this.renewing = issue(this.files, this.d.ca, this.d.now(), this.d.persist ?? true)
      .then((cred) => {
        this.cred = announced(this.d, cred);
      })
      .catch((err: Error) => {
        this.retryAt = now + RETRY_MS;
        this.d.log('ocsp responder renewal failed', { error: err.name, detail: err.message });
      })
      .finally(() => {
        this.renewing = undefined;
      });
    return this.renewing.then(() => this.usable(now));
  }

  private usable(now: number): ResponderCredentials {
    if (!this.cred.validAt(now)) throw new Error('no valid OCSP responder certificate');
    return this.cred;
  }
}

/** Every responder certificate the intermediate signs is in the server's log: the CA's audit trail for it. */
function announced(deps: OcspSignerDeps, cred: ResponderCredentials): ResponderCredentials {
  if (deps.persist ?? true) {
    const c = cred.cert;
    deps.log('ocsp responder certificate issued', { serial: c.serialNumber, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString() });
  }
  return cred;
}

/**
 * The pair on disk, if it can serve: issued by the current intermediate, its key the certificate's
 * (a crash between the two writes, or two processes renewing at once, could leave them apart),
 * and less than half its life gone.
 */
async function load(files: { key: string; cert: string }, ca: Authority, now: number): Promise<ResponderCredentials | undefined> {
  if (!existsSync(files.key) || !existsSync(files.cert)) return undefined;
  try {
    const cert = new x509.X509Certificate(readFileSync(files.cert, 'utf8'));
    const key = createPrivateKey(readFileSync(files.key, 'utf8'));
    const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
    if (!spki.equals(new Uint8Array(cert.publicKey.rawData))) return undefined;
    if (cert.issuer !== ca.intermediate.subject) return undefined;
    if (!(await cert.verify({ publicKey: ca.intermediate.publicKey, signatureOnly: true }))) return undefined;
    const cred = new ResponderCredentials(cert, key);
    return cred.validAt(now) && now < cred.renewAt ? cred : undefined;
  } catch {
    return undefined; // unreadable: replaced by a new pair
  }
}

async function issue(files: { key: string; cert: string }, ca: Authority, now: Date, persist: boolean): Promise<ResponderCredentials> {
  const keys = (await crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(now.getTime() - 60_000); // tolerate small clock skew at relying parties
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: responderSubject(),
    issuer: ca.intermediate.subjectName,
    notBefore,
    notAfter: new Date(notBefore.getTime() + RESPONDER_DAYS * DAY),
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: CA_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      keyUsage(['digitalSignature']),
      // RFC 6960 §4.2.2.2: MUST carry id-kp-OCSPSigning; not critical, as for our other leaves.
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.ocspSigning], false),
      // §4.2.2.2.1: id-pkix-ocsp-nocheck, value NULL, not critical.
      new x509.Extension(ID_PKIX_OCSP_NOCHECK, false, new Uint8Array([0x05, 0x00])),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.intermediate.publicKey),
    ],
  });
  if (persist) {
    mkdirSync(join(files.key, '..'), { recursive: true, mode: 0o700 });
    await savePrivateKey(files.key, keys.privateKey);
    writeFileAtomic(files.cert, toPem(cert), 0o644);
  }
  return new ResponderCredentials(cert, KeyObject.from(keys.privateKey));
}
