// Protocol §8 on the client: each file gets its own AES-256-GCM key and IV, so the server keeps
// bytes it cannot read and one message's key opens none of the others. The description goes into
// the signed plaintext; the ciphertext goes to POST /api/v1/attachments, whose answer is its id.
// A downloaded file is offered only once it decrypts and its size and SHA-256 equal the signed ones:
// the server, or anyone between, could otherwise hand over other bytes under the same id.
import type { AttachmentV2 } from '../protocol/envelope.ts';
import { fromBase64, toBase64 } from '../protocol/base64.ts';
import { toHex } from './x509.ts';
import { CodedError } from './coded-error.ts';
import { t } from './i18n.ts';

const IV_BYTES = 12;

/** What the plaintext says of a file before its upload names it: every member but `id`. */
export type AttachmentDescription = Omit<AttachmentV2, 'id'>;

export interface EncryptedAttachment {
  /** The AES-256-GCM ciphertext with its 16-byte tag: the upload's body. */
  ciphertext: Uint8Array<ArrayBuffer>;
  description: AttachmentDescription;
}

export type AttachmentFailure = 'decrypt_failed' | 'wrong_size' | 'wrong_hash';
export class AttachmentError extends CodedError<AttachmentFailure> {}

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

async function bytesOf(input: Blob | Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return input instanceof Uint8Array ? input : new Uint8Array(await input.arrayBuffer());
}

/**
 * Encrypts a file under a fresh key and IV. A File brings its own name and type; bytes or a bare
 * Blob need `name` (and `type`, else empty: §8 allows a type the browser does not know).
 */
export async function encryptAttachment(
  input: Blob | Uint8Array<ArrayBuffer>,
  meta: { name?: string; type?: string } = {},
): Promise<EncryptedAttachment> {
  const file = typeof File !== 'undefined' && input instanceof File ? input : undefined;
  const name = meta.name ?? file?.name ?? '';
  if (!name) throw new TypeError(t('msg.file.noname'));
  const type = meta.type ?? (input instanceof Blob ? input.type : '');
  const plain = await bytesOf(input);
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  try {
    const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
    const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain));
    return {
      ciphertext,
      description: { key: toBase64(raw), iv: toBase64(iv), name, type, size: plain.byteLength, sha256: await sha256Hex(plain) },
    };
  } finally {
    // The key lives on in the description alone, which the signed plaintext carries.
    raw.fill(0);
  }
}

/**
 * Decrypts a downloaded ciphertext and checks it is the file the sender signed for; throws an
 * AttachmentError saying which check failed, and never returns bytes that failed one.
 */
export async function decryptAttachment(ciphertext: Uint8Array<ArrayBuffer>, a: AttachmentDescription): Promise<Uint8Array<ArrayBuffer>> {
  let plain: Uint8Array<ArrayBuffer>;
  try {
    const key = await crypto.subtle.importKey('raw', fromBase64(a.key), 'AES-GCM', false, ['decrypt']);
    plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(a.iv) }, key, ciphertext));
  } catch {
    throw new AttachmentError('decrypt_failed', t('msg.file.decrypt', { name: a.name }));
  }
  if (plain.byteLength !== a.size) {
    // Exact byte counts, as strings: the two are compared digit by digit, not read as amounts.
    throw new AttachmentError('wrong_size', t('msg.file.size', { name: a.name, actual: String(plain.byteLength), size: String(a.size) }));
  }
  if ((await sha256Hex(plain)) !== a.sha256) {
    throw new AttachmentError('wrong_hash', t('msg.file.hash', { name: a.name }));
  }
  return plain;
}
