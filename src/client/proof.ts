// Non-repudiation (protocol §5): a received message exported with what a third party needs to
// check, without our code, that the sender signed it: the exact signed bytes (JCS of the plaintext
// without `sig`), the inner signature, the sender's certificate and the CA chain. The openssl
// commands are in docs/client-crypto.md; verifyProof is the same check in the browser. A group
// message's proof also names the group and its members when it was sent (§7), and one with files
// lists each file's id and SHA-256 (§8) so whoever holds a file can tell it is the one signed for.
import * as v from 'valibot';
import { plaintextSchema, plaintextV2Schema, unsigned, type Plaintext, type PlaintextV2 } from '../protocol/envelope.ts';
import { fromBase64, isBase64 } from '../protocol/base64.ts';
import { jcs } from './jcs.ts';
import { importPublicKeys, verifyPss } from './keys.ts';
import { pemBlocks } from './pem.ts';
import { asCertificate, certificateLogin, fingerprint, x509 } from './x509.ts';
import type { OpenedMessage } from './envelope.ts';
import { CodedError } from './coded-error.ts';
import { groupAddress } from '../protocol/groups.ts';
import { sha256Hex } from './attachments.ts';
import { t } from './i18n.ts';

export const PROOF_FORMAT = 'tekup-chat-proof';
export const PROOF_ALGORITHM = 'RSASSA-PSS SHA-256 MGF1-SHA-256 salt 32';

export interface ProofBundle {
  format: typeof PROOF_FORMAT;
  v: 1;
  /** The signed bytes as text: sign and verify over its UTF-8 encoding, nothing added. */
  signed: string;
  /** Base64 of the sender's RSASSA-PSS signature over `signed`. */
  signature: string;
  algorithm: typeof PROOF_ALGORITHM;
  /** The sender's certificate, PEM. */
  certificate: string;
  /** The issuing CA chain, PEM: intermediate then root. */
  chain: string;
  /** A group message (§7): which group, and who was in it at the message's epoch. */
  group?: ProofGroup;
  /**
   * The files the message carried (§8), copied from `signed` without their keys, for people and
   * tools that read the bundle and not the JSON inside `signed`; verifyProof holds them equal to it.
   */
  files?: ProofFile[];
}

/** An attachment as a proof shows it: what identifies the file, not the key that opens it. */
export interface ProofFile {
  /** Hex SHA-256 of the uploaded ciphertext. */
  id: string;
  name: string;
  type: string;
  size: number;
  /** Hex SHA-256 of the file itself: what `sha256sum FILE` prints. */
  sha256: string;
}

/**
 * What the exporting member's browser knew of the group when it verified the message: the signed
 * text names the group by its address (`to`), the rest comes from the group's history as the
 * server kept it, and is context, not something the sender signed.
 */
export interface ProofGroup {
  id: string;
  name: string;
  /** The envelope's epoch (under the outer signature, which the proof does not carry). */
  epoch: number;
  /** The members at that epoch, the sender among them. */
  members: string[];
}

/** The message as its sender signed it: a version 1 plaintext, or a version 2 one (§7), which names its certificate. */
export type SignedMessage = Omit<Plaintext, 'sig'> | Omit<PlaintextV2, 'sig'>;

export interface ProofResult {
  message: SignedMessage;
  signer: { login: string; serial: string; fingerprint: string };
  rootFingerprint: string;
  group?: ProofGroup;
  /** The signed message's files, [] when it had none. */
  files: ProofFile[];
}

export type ProofFailure = 'malformed' | 'bad_certificate' | 'untrusted_chain' | 'not_valid_at_time' | 'wrong_signer' | 'bad_signature';

export class ProofError extends CodedError<ProofFailure> {}

function proofFiles(message: SignedMessage): ProofFile[] {
  return message.v === 2 ? (message.attachments ?? []).map(({ id, name, type, size, sha256 }) => ({ id, name, type, size, sha256 })) : [];
}

/** The proof for a message openEnvelope accepted, with the CA chain (GET /ca/chain.pem). */
export function exportProof(
  opened: { plaintext: Plaintext | PlaintextV2; senderCertificate: OpenedMessage['senderCertificate'] },
  chainPem: string,
  group?: ProofGroup,
): ProofBundle {
  const files = proofFiles(opened.plaintext);
  return {
    format: PROOF_FORMAT,
    v: 1,
    signed: jcs(unsigned(opened.plaintext)),
    signature: opened.plaintext.sig,
    algorithm: PROOF_ALGORITHM,
    certificate: opened.senderCertificate.toString('pem') + '\n',
    chain: chainPem,
    ...(group ? { group: { id: group.id, name: group.name, epoch: group.epoch, members: [...group.members].sort() } } : {}),
    ...(files.length ? { files } : {}),
  };
}

/**
 * Which of a verified proof's files these bytes are, or undefined when they are none of them:
 * the same size and SHA-256 as the sender signed. A file saved from the chat passed this check.
 */
export async function proofFileFor(result: Pick<ProofResult, 'files'>, bytes: Uint8Array<ArrayBuffer>): Promise<ProofFile | undefined> {
  const sha256 = await sha256Hex(bytes);
  return result.files.find((f) => f.sha256 === sha256 && f.size === bytes.byteLength);
}

const bundleSchema = v.object({
  format: v.literal(PROOF_FORMAT),
  v: v.literal(1),
  signed: v.string(),
  signature: v.pipe(v.string(), v.check(isBase64)),
  algorithm: v.literal(PROOF_ALGORITHM),
  certificate: v.string(),
  chain: v.string(),
  group: v.optional(
    v.object({
      id: v.string(),
      name: v.string(),
      epoch: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
      members: v.array(v.string()),
    }),
  ),
  files: v.optional(
    v.array(
      v.strictObject({
        id: v.string(),
        name: v.string(),
        type: v.string(),
        size: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
        sha256: v.string(),
      }),
    ),
  ),
});
const signedSchema = v.union([v.omit(plaintextSchema, ['sig']), v.omit(plaintextV2Schema, ['sig'])]);

/**
 * Checks a proof against the CA root the verifier trusts: the chain leads to it, every certificate
 * was valid when the message says it was sent, the certificate names the message's sender and its
 * key allows signatures, and the signature covers exactly `signed`. Revocation is not checked here:
 * that needs the CA online (OCSP, CRL).
 */
export async function verifyProof(input: unknown, trustedRoot: x509.X509Certificate | string): Promise<ProofResult> {
  const parsed = v.safeParse(bundleSchema, input);
  if (!parsed.success) throw new ProofError('malformed', t('msg.proof.malformed'));
  const bundle = parsed.output;

  let message: SignedMessage;
  try {
    const json: unknown = JSON.parse(bundle.signed);
    // The signed text must be the one canonical spelling, so no two texts prove the same message.
    if (jcs(json) !== bundle.signed) throw new Error('not canonical');
    message = v.parse(signedSchema, json);
  } catch {
    throw new ProofError('malformed', t('msg.proof.canonical'));
  }

  let cert: x509.X509Certificate;
  let chain: x509.X509Certificate[];
  let root: x509.X509Certificate;
  try {
    cert = asCertificate(bundle.certificate);
    chain = pemBlocks(bundle.chain, 'CERTIFICATE').map((pem) => asCertificate(pem));
    root = asCertificate(trustedRoot);
  } catch {
    throw new ProofError('bad_certificate', t('msg.proof.certificate'));
  }

  const at = new Date(message.sentAt);
  await checkPath([cert, ...chain], root, at);

  const login = certificateLogin(cert);
  if (login !== message.from) {
    throw new ProofError('wrong_signer', login ? t('msg.proof.signer', { login, from: message.from }) : t('msg.proof.signer.nobody', { from: message.from }));
  }
  // A version 2 message signs the serial of the device that wrote it: another of the sender's certificates is not its signer.
  const serial = cert.serialNumber.toLowerCase();
  if (message.v === 2 && message.cert !== serial) throw new ProofError('wrong_signer', t('msg.proof.serial', { cert: message.cert, serial }));
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  if (ku && !(ku.usages & (x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation))) {
    throw new ProofError('wrong_signer', t('msg.proof.usage'));
  }

  const group = bundle.group;
  // The group part is context, but it must agree with what was signed: this group, and the sender in it.
  if (group && (message.to !== groupAddress(group.id) || !group.members.includes(message.from))) {
    throw new ProofError('malformed', t('msg.proof.group', { to: message.to, from: message.from }));
  }

  const files = proofFiles(message);
  // The list outside `signed` is unsigned: a proof must not show files other than the ones signed.
  if (bundle.files && jcs(bundle.files) !== jcs(files)) {
    throw new ProofError('malformed', t('msg.proof.files'));
  }

  const { verify } = await importPublicKeys(cert);
  if (!(await verifyPss(verify, fromBase64(bundle.signature), new TextEncoder().encode(bundle.signed)))) {
    throw new ProofError('bad_signature', t('msg.proof.signature'));
  }
  return {
    message,
    signer: { login, serial, fingerprint: await fingerprint(cert) },
    rootFingerprint: await fingerprint(root),
    ...(group ? { group } : {}),
    files,
  };
}

/** Each certificate signed by the next, ending at the trusted root; then all valid at `at`. */
async function checkPath(leafAndChain: x509.X509Certificate[], root: x509.X509Certificate, at: Date): Promise<void> {
  // Trust comes from the verifier's root, never from the bundle's copy of it, which is dropped.
  const path = [...leafAndChain.filter((c, i) => i === 0 || c.subject !== root.subject), root];
  for (const [i, c] of path.entries()) {
    const issuer = path[i + 1] ?? root;
    const isCa = (x: x509.X509Certificate) => x.getExtension(x509.BasicConstraintsExtension)?.ca === true;
    if (c.issuer !== issuer.subject || !isCa(issuer) || !(await signedBy(c, issuer))) {
      throw new ProofError('untrusted_chain', t('msg.proof.chain', { subject: c.subject }));
    }
  }
  for (const c of path) {
    if (at < c.notBefore || at > c.notAfter) {
      throw new ProofError('not_valid_at_time', t('msg.proof.time', { subject: c.subject, at: at.toISOString() }));
    }
  }
}

async function signedBy(cert: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  try {
    return await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}
