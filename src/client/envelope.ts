// Protocol §5 and §7 on the client: sealing a message into an envelope and opening one. Two
// signatures by the sender: the outer one over the envelope (the server checks it without reading
// anything), the inner one over the plaintext (the recipient keeps it as proof). A message counts as
// verified only when every step of opening passed; each failing step has its own error so the page
// can say what went wrong. Version 1 (makeEnvelope, openEnvelope) wraps the message key for two
// logins; version 2 (makeEnvelopeV2, openEnvelopeV2) for every current certificate of the
// conversation, so each device of each party reads it with its own key.
import * as v from 'valibot';
import {
  anyEnvelopeSchema,
  BOUND_FIELDS,
  BOUND_FIELDS_V2,
  envelopeSchema,
  envelopeV2BodyLimit,
  envelopeV2Schema,
  plaintextSchema,
  plaintextV2Schema,
  unsigned,
  type AttachmentV2,
  type BoundField,
  type BoundFieldV2,
  type Envelope,
  type EnvelopeV2,
  type Plaintext,
  type PlaintextV2,
} from '../protocol/envelope.ts';
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
/**
 * The plaintext repeats id/from/to/sentAt (v2: also cert) differently, or (v2) describes other
 * attachments than the envelope's `files`: a signed message re-used in another envelope.
 */
export class InnerOuterMismatchError extends EnvelopeError {
  readonly field: BoundField | BoundFieldV2 | 'files';
  constructor(field: BoundField | BoundFieldV2 | 'files') {
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

  const { senderCertificate, verify } = await senderKey(o.senderCertificate, envelope);
  if (!(await verifyPss(verify, fromBase64(envelope.sig), jcsBytes(unsigned(envelope))))) throw new OuterSignatureError();

  if (!Object.hasOwn(envelope.keys, o.myLogin)) throw new NotAddressedToMeError(o.myLogin);
  const k = await unwrapKey(envelope.keys[o.myLogin], o.myDecryptKey);
  const plaintext = parseInner(await decryptBody(envelope, k), plaintextSchema);

  if (!(await verifyPss(verify, fromBase64(plaintext.sig), jcsBytes(unsigned(plaintext))))) throw new InnerSignatureError();

  for (const field of BOUND_FIELDS) {
    if (plaintext[field] !== envelope[field]) throw new InnerOuterMismatchError(field);
  }
  return { envelope, plaintext, text: plaintext.text, senderCertificate };
}

/** The sender's certificate, checked against the envelope's `cert` and `from`, and its verifying key. */
async function senderKey(
  given: x509.X509Certificate | string,
  envelope: { cert: string; from: string },
): Promise<{ senderCertificate: x509.X509Certificate; verify: CryptoKey }> {
  const senderCertificate = asCertificate(given);
  if (senderCertificate.serialNumber.toLowerCase() !== envelope.cert) throw new WrongSenderCertificateError(`its serial is not ${envelope.cert}.`);
  if (certificateLogin(senderCertificate) !== envelope.from) throw new WrongSenderCertificateError(`it is not issued to ${envelope.from}.`);
  const { verify } = await importPublicKeys(senderCertificate);
  return { senderCertificate, verify };
}

/** K from its RSA-OAEP wrapping, as a decrypt-only AES-256-GCM key. */
async function unwrapKey(wrapped: string, decryptKey: CryptoKey): Promise<CryptoKey> {
  try {
    const raw = new Uint8Array(await crypto.subtle.decrypt(OAEP_KEY, decryptKey, fromBase64(wrapped)));
    // Protocol §5 says AES-256: a 16- or 24-byte key would import as AES-128/192 without complaint.
    if (raw.length !== 32) throw new Error('not an AES-256 key');
    const k = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']);
    raw.fill(0);
    return k;
  } catch {
    throw new KeyUnwrapError();
  }
}

async function decryptBody(envelope: { iv: string; ct: string }, k: CryptoKey): Promise<Uint8Array> {
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(envelope.iv) }, k, fromBase64(envelope.ct)));
  } catch {
    throw new DecryptError();
  }
}

/** The decrypted bytes as the plaintext object of `schema`. */
function parseInner<T>(bytes: Uint8Array, schema: v.GenericSchema<unknown, T>): T {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new MalformedPlaintextError('it is not UTF-8 JSON.');
  }
  const inner = v.safeParse(schema, json);
  if (!inner.success) throw new MalformedPlaintextError(inner.issues.map((i) => i.message).join(' '));
  return inner.output;
}

// ---------------------------------------------------------------------------------------------
// Version 2 (§7): one wrapped key per current certificate of the conversation.

/** A certificate to wrap the message key for: its serial, and its public key for RSA-OAEP. */
export interface RecipientCertificate {
  /** Lowercase hex, as GET /api/v1/users/{login}/certificates lists it. */
  serial: string;
  /** An RSA-OAEP (SHA-256) public CryptoKey, or the DER SubjectPublicKeyInfo. */
  publicKey: CryptoKey | Uint8Array<ArrayBuffer>;
}

export interface MakeEnvelopeV2 {
  /** The sending device's RSA-PSS private key. */
  signKey: CryptoKey;
  from: string;
  /** The serial of the sending device's certificate: `cert`, and one of `recipients`. */
  senderCertSerial: string;
  /** A login (1:1) or "group:" + the group's id. */
  to: string;
  /** The group's current epoch; only, and always, for a group. */
  epoch?: number;
  text: string;
  /**
   * Every current certificate of the conversation (§6, §7): both people for a login, every member
   * for a group, the sender's own devices (this one included) too. The server refuses any other set
   * with 409 recipients_changed and the serials it expects.
   */
  recipients: readonly RecipientCertificate[];
  /** Files already encrypted and uploaded (§8): listed in `files`, described in the plaintext. */
  attachments?: readonly AttachmentV2[];
  /** Injected for tests; a fresh UUIDv4 and the current time otherwise. */
  id?: string;
  sentAt?: Date;
}

export type HeaderV2 = Pick<EnvelopeV2, 'id' | 'from' | 'cert' | 'to' | 'sentAt' | 'epoch' | 'files'>;

export async function makeEnvelopeV2(p: MakeEnvelopeV2): Promise<EnvelopeV2> {
  const cert = p.senderCertSerial.toLowerCase();
  if (!p.recipients.some((r) => r.serial.toLowerCase() === cert)) {
    throw new MalformedEnvelopeError(`the sending device's certificate ${cert} is not among the recipients: it could not read its own message.`);
  }
  const attachments = p.attachments?.length ? p.attachments.map((a) => ({ ...a })) : undefined;
  const header: HeaderV2 = {
    id: p.id ?? crypto.randomUUID(),
    from: p.from,
    cert,
    to: p.to,
    sentAt: (p.sentAt ?? new Date()).toISOString(),
    ...(p.epoch !== undefined ? { epoch: p.epoch } : {}),
    ...(attachments ? { files: attachments.map((a) => a.id) } : {}),
  };
  const fields = {
    v: 2 as const,
    id: header.id,
    from: header.from,
    cert: header.cert,
    to: header.to,
    sentAt: header.sentAt,
    text: p.text,
    ...(attachments ? { attachments } : {}),
  };
  const plaintext: PlaintextV2 = { ...fields, sig: await signObject(fields, p.signKey) };
  const checkedInner = v.safeParse(plaintextV2Schema, plaintext);
  if (!checkedInner.success) throw new MalformedPlaintextError(checkedInner.issues.map((i) => i.message).join(' '));
  const envelope = await sealPlaintextV2(new TextEncoder().encode(jcs(plaintext)), header, p.signKey, p.recipients);
  // What we send must pass the server's schema and body limit; failing here names the bad input.
  const checked = v.safeParse(envelopeV2Schema, envelope);
  if (!checked.success) throw new MalformedEnvelopeError(checked.issues.map((i) => i.message).join(' '));
  const size = new TextEncoder().encode(JSON.stringify(envelope)).length;
  const limit = envelopeV2BodyLimit(Object.keys(envelope.keys).length);
  if (size > limit) throw new MalformedEnvelopeError(`the message is too long: ${size} bytes where ${limit} are allowed.`);
  return envelope;
}

/**
 * Encrypts `plaintext` bytes under a fresh AES-256-GCM key K, wraps K for every recipient
 * certificate and signs the envelope. makeEnvelopeV2 is the normal entry; this step is separate so
 * tests can seal a plaintext that disagrees with its envelope and check it is caught.
 */
export async function sealPlaintextV2(
  plaintext: Uint8Array<ArrayBuffer>,
  header: HeaderV2,
  signKey: CryptoKey,
  recipients: readonly RecipientCertificate[],
): Promise<EnvelopeV2> {
  const serials = recipients.map((r) => r.serial.toLowerCase());
  if (new Set(serials).size !== serials.length) throw new MalformedEnvelopeError('a recipient certificate is listed twice.');
  const publicKeys = await Promise.all(
    recipients.map(async (r) => (r.publicKey instanceof Uint8Array ? (await importPublicKeys(r.publicKey)).encrypt : r.publicKey)),
  );
  const raw = crypto.getRandomValues(new Uint8Array(32));
  try {
    const k = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, k, plaintext);
    const wrapped = await Promise.all(publicKeys.map(async (key) => toBase64(await crypto.subtle.encrypt(OAEP_KEY, key, raw))));
    const keys: Record<string, string> = {};
    serials.forEach((serial, i) => (keys[serial] = wrapped[i]));
    const body: Omit<EnvelopeV2, 'sig'> = { v: 2, ...header, iv: toBase64(iv), ct: toBase64(ct), keys };
    return { ...body, sig: await signObject(body, signKey) };
  } finally {
    raw.fill(0); // K stays only inside the non-extractable CryptoKey and the wrapped copies
  }
}

/** A certificate of this device and its RSA-OAEP private key. */
export interface DeviceKey {
  serial: string;
  decryptKey: CryptoKey;
}

export interface OpenV2Options {
  /** This device's current certificate serial: whose entry in `keys` to unwrap. */
  myCertSerial: string;
  /** This device's RSA-OAEP private key. */
  myDecryptKey: CryptoKey;
  /** This device's earlier certificates (before a renewal): messages sent then are wrapped for them. */
  earlierKeys?: readonly DeviceKey[];
  /** The sender's certificate (the one whose serial is `cert`), PEM or parsed. */
  senderCertificate: x509.X509Certificate | string;
}

export interface OpenedMessageV2 {
  envelope: EnvelopeV2;
  /** The plaintext exactly as decrypted and verified, with its inner signature: the proof. */
  plaintext: PlaintextV2;
  text: string;
  /** The files the message describes (§8), [] when none; each still to fetch, decrypt and check. */
  attachments: AttachmentV2[];
  senderCertificate: x509.X509Certificate;
}

/** What the page says for a message that holds no key for this device. */
export const NOT_FOR_THIS_DEVICE =
  'This message was sent before this device was linked: it was not encrypted for it. Read it on another of your devices, or carry your history over with the backup file.';

/** The outcome of opening a message: only `verified` may show content. */
export type OpenResultV2 =
  | { status: 'verified'; message: OpenedMessageV2 }
  /**
   * The envelope is well-formed and its outer signature is the sender's, but `keys` lacks every
   * certificate of this device: sent before the device was linked (§6). Nothing was decrypted.
   */
  | { status: 'not_for_this_device'; envelope: EnvelopeV2; senderCertificate: x509.X509Certificate; reason: string }
  /** A check failed; `error.code` says which, `error.message` in words. */
  | { status: 'failed'; error: EnvelopeError };

/**
 * Opens a version 2 envelope in the order of protocol §7: schema, sender certificate, outer
 * signature, this device's entry in `keys`, unwrapping, decryption, inner signature, inner
 * `id`/`from`/`cert`/`to`/`sentAt` equal to the outer ones, and the attachments the plaintext
 * describes equal to the envelope's `files`. Never throws for what the message holds; it throws only
 * when the given sender certificate cannot be read at all. In a group, that the sender was a member
 * at `epoch` is for the caller to check (it holds the group's history).
 */
export async function openEnvelopeV2(input: unknown, o: OpenV2Options): Promise<OpenResultV2> {
  try {
    return await openV2(input, o);
  } catch (err) {
    if (err instanceof EnvelopeError) return { status: 'failed', error: err };
    throw err;
  }
}

async function openV2(input: unknown, o: OpenV2Options): Promise<OpenResultV2> {
  const parsed = v.safeParse(envelopeV2Schema, input);
  if (!parsed.success) throw new MalformedEnvelopeError(parsed.issues.map((i) => i.message).join(' '));
  const envelope = parsed.output;

  const { senderCertificate, verify } = await senderKey(o.senderCertificate, envelope);
  if (!(await verifyPss(verify, fromBase64(envelope.sig), jcsBytes(unsigned(envelope))))) throw new OuterSignatureError();

  const mine = [{ serial: o.myCertSerial, decryptKey: o.myDecryptKey }, ...(o.earlierKeys ?? [])].find((d) =>
    Object.hasOwn(envelope.keys, d.serial.toLowerCase()),
  );
  if (!mine) return { status: 'not_for_this_device', envelope, senderCertificate, reason: NOT_FOR_THIS_DEVICE };
  const k = await unwrapKey(envelope.keys[mine.serial.toLowerCase()], mine.decryptKey);
  const plaintext = parseInner(await decryptBody(envelope, k), plaintextV2Schema);

  if (!(await verifyPss(verify, fromBase64(plaintext.sig), jcsBytes(unsigned(plaintext))))) throw new InnerSignatureError();

  for (const field of BOUND_FIELDS_V2) {
    if (plaintext[field] !== envelope[field]) throw new InnerOuterMismatchError(field);
  }
  const attachments = plaintext.attachments ?? [];
  const files = envelope.files ?? [];
  if (files.length !== attachments.length || attachments.some((a, i) => a.id !== files[i])) throw new InnerOuterMismatchError('files');
  return { status: 'verified', message: { envelope, plaintext, text: plaintext.text, attachments, senderCertificate } };
}

export interface OpenAnyOptions extends OpenV2Options {
  /** The reader's login: whose entry in a version 1 envelope's `keys` to unwrap. */
  myLogin: string;
}

export type OpenResult =
  | { status: 'verified'; message: OpenedMessage | OpenedMessageV2 }
  | Exclude<OpenResultV2, { status: 'verified' }>;

/**
 * Either version, as the history and the event stream carry both (§7): a version 1 envelope is
 * opened by openEnvelope with `myLogin` and `myDecryptKey` (then `earlierKeys`, whose serials it
 * does not need), a version 2 one by openEnvelopeV2.
 */
export async function openAnyEnvelope(input: unknown, o: OpenAnyOptions): Promise<OpenResult> {
  const version = typeof input === 'object' && input !== null ? (input as { v?: unknown }).v : undefined;
  if (version === 2) return openEnvelopeV2(input, o);
  if (version !== 1) {
    const parsed = v.safeParse(anyEnvelopeSchema, input);
    return { status: 'failed', error: new MalformedEnvelopeError(parsed.success ? 'v must be 1 or 2.' : parsed.issues.map((i) => i.message).join(' ')) };
  }
  const decryptKeys = [o.myDecryptKey, ...(o.earlierKeys ?? []).map((d) => d.decryptKey)];
  for (const [i, myDecryptKey] of decryptKeys.entries()) {
    try {
      return { status: 'verified', message: await openEnvelope(input, { myLogin: o.myLogin, myDecryptKey, senderCertificate: o.senderCertificate }) };
    } catch (err) {
      if (err instanceof KeyUnwrapError && i < decryptKeys.length - 1) continue;
      if (err instanceof EnvelopeError) return { status: 'failed', error: err };
      throw err;
    }
  }
  throw new Error('unreachable');
}
