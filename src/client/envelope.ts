// Protocol §5 on the client: sealing a message into an envelope and opening one. Two signatures by
// the sender: the outer one over the envelope (the server checks it without reading anything), the
// inner one over the plaintext (the recipient keeps it as proof). A message counts as verified only
// when every step of openEnvelope passed; each failing step has its own error so the page can say
// what went wrong.
import * as v from 'valibot';
import { BOUND_FIELDS, envelopeSchema, plaintextSchema, unsigned, type BoundField, type Envelope, type Plaintext } from '../protocol/envelope.ts';
import { fromBase64, toBase64 } from '../protocol/base64.ts';
import { jcs, jcsBytes } from './jcs.ts';
import { importPublicKeys, OAEP_KEY, signPss, verifyPss } from './keys.ts';
import { asCertificate, certificateLogin, x509 } from './x509.ts';
import { CodedError } from './coded-error.ts';

export type OpenFailure =
  | 'malformed_envelope'
  | 'wrong_sender_certificate'
  | 'bad_outer_signature'
  | 'not_addressed_to_me'
  | 'key_unwrap_failed'
  | 'decrypt_failed'
  | 'malformed_plaintext'
  | 'bad_inner_signature'
  | 'inner_outer_mismatch';

export class EnvelopeError extends CodedError<OpenFailure> {}
/** Not an envelope of protocol §5 (shape, encodings, sizes). */
export class MalformedEnvelopeError extends EnvelopeError {
  constructor(detail: string) {
    super('malformed_envelope', `This is not a valid envelope: ${detail}`);
  }
}
/** The certificate given for the sender is not the one the envelope names (serial or login). */
export class WrongSenderCertificateError extends EnvelopeError {
  constructor(detail: string) {
    super('wrong_sender_certificate', `The sender's certificate does not match the envelope: ${detail}`);
  }
}
export class OuterSignatureError extends EnvelopeError {
  constructor() {
    super('bad_outer_signature', "The envelope's signature does not verify with the sender's certificate: it was altered in transit or not made by the sender.");
  }
}
export class NotAddressedToMeError extends EnvelopeError {
  constructor(login: string) {
    super('not_addressed_to_me', `This message holds no key for ${login}.`);
  }
}
export class KeyUnwrapError extends EnvelopeError {
  constructor() {
    super('key_unwrap_failed', 'The message key could not be unwrapped with your private key.');
  }
}
export class DecryptError extends EnvelopeError {
  constructor() {
    super('decrypt_failed', 'The message does not decrypt: its ciphertext or IV was altered.');
  }
}
export class MalformedPlaintextError extends EnvelopeError {
  constructor(detail: string) {
    super('malformed_plaintext', `The decrypted message is not valid: ${detail}`);
  }
}
export class InnerSignatureError extends EnvelopeError {
  constructor() {
    super('bad_inner_signature', "The message's own signature does not verify with the sender's certificate.");
  }
}
/** The plaintext repeats id/from/to/sentAt differently: a signed message re-used in another envelope. */
export class InnerOuterMismatchError extends EnvelopeError {
  readonly field: BoundField;
  constructor(field: BoundField) {
    super('inner_outer_mismatch', `The message's ${field} differs from the envelope's.`);
    this.field = field;
  }
}

export interface SealKeys {
  /** The sender's RSA-PSS private key. */
  signKey: CryptoKey;
  /** RSA-OAEP public keys: the message key is wrapped for both, so the sender can read their own history. */
  recipientPublicKey: CryptoKey;
  senderPublicKey: CryptoKey;
}

export interface MakeEnvelope extends SealKeys {
  from: string;
  to: string;
  text: string;
  senderCertSerial: string;
  /** Injected for tests; a fresh UUIDv4 and the current time otherwise. */
  id?: string;
  sentAt?: Date;
}

export type Header = Pick<Envelope, 'id' | 'from' | 'to' | 'sentAt' | 'cert'>;

/** The base64 RSA-PSS signature over JCS(`fields`). */
export async function signObject(fields: object, signKey: CryptoKey): Promise<string> {
  return toBase64(await signPss(signKey, jcsBytes(fields)));
}

export async function makeEnvelope(p: MakeEnvelope): Promise<Envelope> {
  const header: Header = {
    id: p.id ?? crypto.randomUUID(),
    from: p.from,
    to: p.to,
    sentAt: (p.sentAt ?? new Date()).toISOString(),
    cert: p.senderCertSerial,
  };
  const fields = { v: 1 as const, id: header.id, from: header.from, to: header.to, sentAt: header.sentAt, text: p.text };
  const plaintext: Plaintext = { ...fields, sig: await signObject(fields, p.signKey) };
  const envelope = await sealPlaintext(new TextEncoder().encode(jcs(plaintext)), header, p);
  // What we send must pass the server's schema; failing here names the bad input (e.g. from === to).
  const checked = v.safeParse(envelopeSchema, envelope);
  if (!checked.success) throw new MalformedEnvelopeError(checked.issues.map((i) => i.message).join(' '));
  return envelope;
}

/**
 * Encrypts `plaintext` bytes under a fresh AES-256-GCM key K, wraps K for both parties and signs
 * the envelope. makeEnvelope is the normal entry; this step is separate so tests can seal a
 * plaintext that disagrees with its envelope and check it is caught.
 */
export async function sealPlaintext(plaintext: Uint8Array<ArrayBuffer>, header: Header, keys: SealKeys): Promise<Envelope> {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  try {
    const k = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, k, plaintext);
    const wrap = async (key: CryptoKey) => toBase64(await crypto.subtle.encrypt(OAEP_KEY, key, raw));
    const body = {
      v: 1 as const,
      ...header,
      iv: toBase64(iv),
      ct: toBase64(ct),
      keys: { [header.to]: await wrap(keys.recipientPublicKey), [header.from]: await wrap(keys.senderPublicKey) },
    };
    return { ...body, sig: await signObject(body, keys.signKey) };
  } finally {
    raw.fill(0); // K stays only inside the non-extractable CryptoKey and the two wrapped copies
  }
}

export interface OpenOptions {
  /** Whose key in `keys` to unwrap: the reader's login. */
  myLogin: string;
  /** The reader's RSA-OAEP private key. */
  myDecryptKey: CryptoKey;
  /** The sender's certificate (the one whose serial is `cert`), PEM or parsed. */
  senderCertificate: x509.X509Certificate | string;
}

export interface OpenedMessage {
  envelope: Envelope;
  /** The plaintext exactly as decrypted and verified, with its inner signature: the proof. */
  plaintext: Plaintext;
  text: string;
  senderCertificate: x509.X509Certificate;
}

/** Checks an envelope in the order of protocol §5 and returns the message only if all checks pass. */
export async function openEnvelope(input: unknown, o: OpenOptions): Promise<OpenedMessage> {
  const parsed = v.safeParse(envelopeSchema, input);
  if (!parsed.success) throw new MalformedEnvelopeError(parsed.issues.map((i) => i.message).join(' '));
  const envelope = parsed.output;

  const senderCertificate = asCertificate(o.senderCertificate);
  if (senderCertificate.serialNumber.toLowerCase() !== envelope.cert) throw new WrongSenderCertificateError(`its serial is not ${envelope.cert}.`);
  if (certificateLogin(senderCertificate) !== envelope.from) throw new WrongSenderCertificateError(`it is not issued to ${envelope.from}.`);
  const { verify } = await importPublicKeys(senderCertificate);

  if (!(await verifyPss(verify, fromBase64(envelope.sig), jcsBytes(unsigned(envelope))))) throw new OuterSignatureError();

  if (!Object.hasOwn(envelope.keys, o.myLogin)) throw new NotAddressedToMeError(o.myLogin);
  let k: CryptoKey;
  try {
    const raw = new Uint8Array(await crypto.subtle.decrypt(OAEP_KEY, o.myDecryptKey, fromBase64(envelope.keys[o.myLogin])));
    // Protocol §5 says AES-256: a 16- or 24-byte key would import as AES-128/192 without complaint.
    if (raw.length !== 32) throw new Error('not an AES-256 key');
    k = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']);
    raw.fill(0);
  } catch {
    throw new KeyUnwrapError();
  }

  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(envelope.iv) }, k, fromBase64(envelope.ct)));
  } catch {
    throw new DecryptError();
  }

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new MalformedPlaintextError('it is not UTF-8 JSON.');
  }
  const inner = v.safeParse(plaintextSchema, json);
  if (!inner.success) throw new MalformedPlaintextError(inner.issues.map((i) => i.message).join(' '));
  const plaintext = inner.output;

  if (!(await verifyPss(verify, fromBase64(plaintext.sig), jcsBytes(unsigned(plaintext))))) throw new InnerSignatureError();

  for (const field of BOUND_FIELDS) {
    if (plaintext[field] !== envelope[field]) throw new InnerOuterMismatchError(field);
  }
  return { envelope, plaintext, text: plaintext.text, senderCertificate };
}
