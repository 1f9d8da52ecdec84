// Protocol §5: the message envelope the server relays and the plaintext only the two parties read.
// One schema for the envelope, used by POST /api/v1/messages, by the browser before it opens what
// it receives, and by the tests. No Node imports: this module is bundled into the browser script.
import * as v from 'valibot';
import { LOGIN_PATTERN } from './enroll.ts';
import { base64Length } from './base64.ts';

export interface Envelope {
  v: 1;
  id: string;
  from: string;
  to: string;
  sentAt: string;
  /** Serial of the sender's certificate, lowercase hex. */
  cert: string;
  iv: string;
  ct: string;
  /** The message key K wrapped with RSA-OAEP-SHA256 for `to` and for `from`, by login. */
  keys: Record<string, string>;
  sig: string;
}

export interface Plaintext {
  v: 1;
  id: string;
  from: string;
  to: string;
  sentAt: string;
  text: string;
  sig: string;
}

/** The envelope fields the inner (plaintext) fields must repeat exactly. */
export const BOUND_FIELDS = ['id', 'from', 'to', 'sentAt'] as const;
export type BoundField = (typeof BOUND_FIELDS)[number];

export const IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;
/** RSA-2048 gives 256-byte signatures and wrapped keys; 1024 bytes is RSA-8192, more than anyone uses. */
export const RSA_OUTPUT_MIN = 256;
export const RSA_OUTPUT_MAX = 1024;
/** The body limit of §5 bounds the ciphertext anyway; this keeps a single field from going past it. */
export const CT_MAX_CHARS = 64 * 1024;

// Lowercase only: crypto.randomUUID() writes lowercase, and one spelling per id keeps the
// server's replay check an exact string match.
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const RFC3339_MS_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
// RFC 5280 §4.1.2.2: at most 20 octets.
export const SERIAL_HEX = /^[0-9a-f]{1,40}$/;

const isTime = (s: string) => RFC3339_MS_UTC.test(s) && !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s;
const bytesBetween = (min: number, max: number) => (s: string) => {
  const n = base64Length(s);
  return n !== undefined && n >= min && n <= max;
};

const login = (what: string) => v.pipe(v.string(`${what} must be a login.`), v.regex(LOGIN_PATTERN, `${what} is not a valid login.`));
const id = v.pipe(v.string('id must be a UUID.'), v.regex(UUID_V4, 'id must be a lowercase UUIDv4.'));
const sentAt = v.pipe(v.string('sentAt must be a time.'), v.check(isTime, 'sentAt must be an RFC 3339 UTC time with milliseconds.'));
const rsaOutput = (what: string) =>
  v.pipe(
    v.string(`${what} must be base64.`),
    v.maxLength(2 * RSA_OUTPUT_MAX, `${what} is too long.`),
    v.check(bytesBetween(RSA_OUTPUT_MIN, RSA_OUTPUT_MAX), `${what} must be base64 of an RSA-2048 or larger output.`),
  );

export const envelopeSchema = v.pipe(
  v.strictObject(
    {
      v: v.literal(1, 'v must be 1.'),
      id,
      from: login('from'),
      to: login('to'),
      sentAt,
      cert: v.pipe(v.string('cert must be a certificate serial.'), v.regex(SERIAL_HEX, 'cert must be a certificate serial in lowercase hex.')),
      iv: v.pipe(v.string('iv must be base64.'), v.check(bytesBetween(IV_BYTES, IV_BYTES), `iv must be base64 of ${IV_BYTES} bytes.`)),
      ct: v.pipe(
        v.string('ct must be base64.'),
        v.maxLength(CT_MAX_CHARS, 'ct is too long.'),
        v.check(bytesBetween(GCM_TAG_BYTES, Infinity), `ct must be base64 of at least ${GCM_TAG_BYTES} bytes (the GCM tag).`),
      ),
      keys: v.pipe(
        v.record(login('A key holder'), rsaOutput('A wrapped key'), 'keys must map logins to wrapped keys.'),
        v.check((k) => Object.keys(k).length === 2, 'keys must hold exactly two wrapped keys: for from and for to.'),
      ),
      sig: rsaOutput('sig'),
    },
    (issue) => (issue.kind === 'schema' && issue.type === 'strict_object' && issue.expected === 'never' ? `Unknown field ${String(issue.path?.[0]?.key)}.` : 'Send an envelope object.'),
  ),
  v.forward(
    v.partialCheck([['from'], ['to']], (e) => e.from !== e.to, 'to must be another user than from.'),
    ['to'],
  ),
  v.forward(
    v.partialCheck(
      [['from'], ['to'], ['keys']],
      (e) => Object.hasOwn(e.keys, e.from) && Object.hasOwn(e.keys, e.to) && Object.keys(e.keys).length === 2,
      'keys must hold exactly the wrapped keys for from and for to.',
    ),
    ['keys'],
  ),
) satisfies v.GenericSchema<unknown, Envelope>;

export const plaintextSchema = v.strictObject(
  {
    v: v.literal(1, 'v must be 1.'),
    id,
    from: login('from'),
    to: login('to'),
    sentAt,
    text: v.string('text must be a string.'),
    sig: rsaOutput('sig'),
  },
  'The plaintext must be an object with exactly v, id, from, to, sentAt, text and sig.',
) satisfies v.GenericSchema<unknown, Plaintext>;

const keyOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The text the outer signature covers, RFC 8785 over the envelope without `sig`, written field by
 * field: the same as `jcs(unsigned(e))` for every envelope the schema accepts (a property test holds
 * the two together), at a fraction of the cost of a general canonicaliser, which the server would
 * otherwise pay on every message. Members in code-unit order (RFC 8785 §3.2.3), strings as
 * JSON.stringify writes them (§3.2.2.2).
 */
export function envelopeSigningText(e: Envelope): string {
  const s = JSON.stringify;
  const keys = Object.keys(e.keys)
    .sort(keyOrder)
    .map((k) => `${s(k)}:${s(e.keys[k])}`)
    .join(',');
  return `{"cert":${s(e.cert)},"ct":${s(e.ct)},"from":${s(e.from)},"id":${s(e.id)},"iv":${s(e.iv)},"keys":{${keys}},"sentAt":${s(e.sentAt)},"to":${s(e.to)},"v":${s(e.v)}}`;
}

/** The object a signature covers: the envelope or plaintext without its `sig`. */
export function unsigned<T extends { sig: string }>(signed: T): Omit<T, 'sig'> {
  const { sig: _sig, ...rest } = signed;
  return rest;
}
