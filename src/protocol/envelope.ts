// Protocol §5 and §7: the message envelope the server relays and the plaintext only the parties read.
// Version 1 (§5) wraps the message key for two logins; version 2 (§7) wraps it for every current
// certificate (device) of the conversation, and may address a group. One schema per version, used
// by POST /api/v1/messages, by the browser before it opens what it receives, and by the tests.
// No Node imports: this module is bundled into the browser script.
import * as v from 'valibot';
import { LOGIN_PATTERN } from './enroll.ts';
import { base64Length } from './base64.ts';
import { SERIAL_HEX } from './serial.ts';

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
export { SERIAL_HEX };

/** Days in each month of a common year (February has one more in a leap year). */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/**
 * A real instant written the one way Date's toISOString writes it back: the same verdict as
 * parsing the text and formatting it again (a property test holds the two together), by field
 * ranges instead, since the server checks every envelope's time and Date's own parse and format
 * cost more than the rest of the check.
 */
export function isTime(s: string): boolean {
  if (!RFC3339_MS_UTC.test(s)) return false;
  const year = Number(s.slice(0, 4));
  const month = Number(s.slice(5, 7));
  const day = Number(s.slice(8, 10));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= MONTH_DAYS[month - 1] + (month === 2 && leap ? 1 : 0) &&
    Number(s.slice(11, 13)) < 24 &&
    Number(s.slice(14, 16)) < 60 &&
    Number(s.slice(17, 19)) < 60
  );
}
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

/** The strict object's own issues: a member it does not know, one it misses, or no object at all. */
const envelopeObjectMessage = (issue: v.StrictObjectIssue) => {
  const key = issue.path?.length === 1 ? String(issue.path[0].key) : undefined;
  if (key !== undefined && issue.expected === 'never') return `Unknown field ${key}.`;
  if (key !== undefined && issue.expected === `"${key}"`) return `Missing field ${key}.`;
  return 'Send an envelope object.';
};

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
    envelopeObjectMessage,
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

// ---------------------------------------------------------------------------------------------
// Version 2 (§7): one wrapped key per current certificate, 1:1 or group, optional attachments (§8).

export interface EnvelopeV2 {
  v: 2;
  id: string;
  from: string;
  /** Serial of the sending device's certificate, lowercase hex. */
  cert: string;
  /** A login (1:1) or "group:" + the group's id. */
  to: string;
  /** The group's epoch the sender saw (§7): present exactly when `to` is a group. */
  epoch?: number;
  sentAt: string;
  iv: string;
  ct: string;
  /** The attachments' ids (§8: hex SHA-256 of each uploaded ciphertext), under the outer signature. */
  files?: string[];
  /** The message key K wrapped with RSA-OAEP-SHA256 for each current certificate, by serial. */
  keys: Record<string, string>;
  sig: string;
}

/** One attachment as the plaintext describes it (§8), under the inner signature. */
export interface AttachmentV2 {
  /** Hex SHA-256 of the uploaded ciphertext: the id the server answered, also listed in `files`. */
  id: string;
  /** The file's own AES-256-GCM key and IV, base64. */
  key: string;
  iv: string;
  name: string;
  /** The media type the sender's browser gave; may be empty when it knew none. */
  type: string;
  /** Bytes of the plaintext file. */
  size: number;
  /** Hex SHA-256 of the plaintext file. */
  sha256: string;
}

export interface PlaintextV2 {
  v: 2;
  id: string;
  from: string;
  cert: string;
  to: string;
  sentAt: string;
  text: string;
  attachments?: AttachmentV2[];
  sig: string;
}

/** The envelope fields the v2 plaintext must repeat exactly: v1's and the sending certificate. */
export const BOUND_FIELDS_V2 = ['id', 'from', 'cert', 'to', 'sentAt'] as const;
export type BoundFieldV2 = (typeof BOUND_FIELDS_V2)[number];

/** §7: groups of 2 to 256 members, §6: up to 10 current certificates each. */
export const GROUP_MEMBERS_MAX = 256;
export const DEVICES_MAX = 10;
/** The most wrapped keys a v2 envelope may hold: every device of the largest group. */
export const KEYS_MAX = GROUP_MEMBERS_MAX * DEVICES_MAX;
/** Attachments per message. §8 bounds each file (25 MiB) and the user's quota, not their number. */
export const FILES_MAX = 10;
/** §7: a v2 body may be 64 KiB plus 1 KiB per wrapped key. */
export const envelopeV2BodyLimit = (keyCount: number): number => 64 * 1024 + 1024 * keyCount;

export const GROUP_PREFIX = 'group:';
export const GROUP_TO = new RegExp(`^${GROUP_PREFIX}${UUID_V4.source.slice(1)}`);
/** An attachment id (§8): the lowercase hex SHA-256 of its ciphertext. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export const isGroupAddress = (to: string): boolean => GROUP_TO.test(to);

const certSerial = (what: string) =>
  v.pipe(v.string(`${what} must be a certificate serial.`), v.regex(SERIAL_HEX, `${what} must be a certificate serial in lowercase hex.`));
const toV2 = v.pipe(
  v.string('to must be a login or a group.'),
  v.check((t) => LOGIN_PATTERN.test(t) || GROUP_TO.test(t), 'to must be a login or "group:" followed by a lowercase UUIDv4.'),
);
const ivSchema = v.pipe(v.string('iv must be base64.'), v.check(bytesBetween(IV_BYTES, IV_BYTES), `iv must be base64 of ${IV_BYTES} bytes.`));
const ctSchema = v.pipe(
  v.string('ct must be base64.'),
  v.maxLength(CT_MAX_CHARS, 'ct is too long.'),
  v.check(bytesBetween(GCM_TAG_BYTES, Infinity), `ct must be base64 of at least ${GCM_TAG_BYTES} bytes (the GCM tag).`),
);
const isObject = (input: unknown): input is Record<string, unknown> => typeof input === 'object' && input !== null && !Array.isArray(input);

const noDuplicates = (list: string[]) => new Set(list).size === list.length;

export const envelopeV2Schema = v.pipe(
  v.strictObject(
    {
      v: v.literal(2, 'v must be 2.'),
      id,
      from: login('from'),
      cert: certSerial('cert'),
      to: toV2,
      epoch: v.optional(
        v.pipe(v.number('epoch must be a positive integer.'), v.safeInteger('epoch must be a positive integer.'), v.minValue(1, 'epoch must be a positive integer.')),
      ),
      sentAt,
      iv: ivSchema,
      ct: ctSchema,
      files: v.optional(
        v.pipe(
          v.array(v.pipe(v.string('files must hold attachment ids.'), v.regex(SHA256_HEX, 'files must hold attachment ids: lowercase hex SHA-256.')), 'files must be a list of attachment ids.'),
          v.minLength(1, 'files must list at least one attachment, or be left out.'),
          v.maxLength(FILES_MAX, `files may list at most ${FILES_MAX} attachments.`),
          v.check(noDuplicates, 'files must not list an attachment twice.'),
        ),
      ),
      keys: v.pipe(
        // Before v.record, which takes arrays for records and silently drops the members __proto__,
        // constructor and prototype: an envelope is refused rather than checked as something else.
        v.custom<Record<string, unknown>>(
          (k) => isObject(k) && Object.keys(k).every((serial) => SERIAL_HEX.test(serial)),
          'keys must map certificate serials (lowercase hex) to wrapped keys.',
        ),
        v.record(certSerial('A key holder'), rsaOutput('A wrapped key'), 'keys must map certificate serials to wrapped keys.'),
        v.check((k) => {
          const n = Object.keys(k).length;
          return n >= 1 && n <= KEYS_MAX;
        }, `keys must hold 1 to ${KEYS_MAX} wrapped keys, one per certificate.`),
      ),
      sig: rsaOutput('sig'),
    },
    envelopeObjectMessage,
  ),
  v.forward(
    v.partialCheck([['from'], ['to']], (e) => e.from !== e.to, 'to must be another user than from.'),
    ['to'],
  ),
  v.forward(
    v.partialCheck(
      [['to'], ['epoch']],
      (e) => isGroupAddress(e.to) === (e.epoch !== undefined),
      'epoch is required for a group message and only for one.',
    ),
    ['epoch'],
  ),
) satisfies v.GenericSchema<unknown, EnvelopeV2>;

const attachmentSchema = v.strictObject(
  {
    id: v.pipe(v.string('An attachment id must be a string.'), v.regex(SHA256_HEX, 'An attachment id must be lowercase hex SHA-256.')),
    key: v.pipe(v.string('An attachment key must be base64.'), v.check(bytesBetween(32, 32), 'An attachment key must be base64 of 32 bytes.')),
    iv: v.pipe(v.string('An attachment iv must be base64.'), v.check(bytesBetween(IV_BYTES, IV_BYTES), `An attachment iv must be base64 of ${IV_BYTES} bytes.`)),
    name: v.pipe(v.string('An attachment name must be a string.'), v.minLength(1, 'An attachment needs a name.'), v.maxLength(255, 'An attachment name is at most 255 characters.')),
    type: v.pipe(v.string('An attachment type must be a string.'), v.maxLength(255, 'An attachment type is at most 255 characters.')),
    size: v.pipe(v.number('An attachment size must be a number of bytes.'), v.safeInteger('An attachment size must be a whole number of bytes.'), v.minValue(0, 'An attachment size cannot be negative.')),
    sha256: v.pipe(v.string('An attachment sha256 must be a string.'), v.regex(SHA256_HEX, 'An attachment sha256 must be lowercase hex SHA-256.')),
  },
  'An attachment must be an object with exactly id, key, iv, name, type, size and sha256.',
) satisfies v.GenericSchema<unknown, AttachmentV2>;

export const plaintextV2Schema = v.strictObject(
  {
    v: v.literal(2, 'v must be 2.'),
    id,
    from: login('from'),
    cert: certSerial('cert'),
    to: toV2,
    sentAt,
    text: v.string('text must be a string.'),
    attachments: v.optional(
      v.pipe(
        v.array(attachmentSchema, 'attachments must be a list.'),
        v.minLength(1, 'attachments must describe at least one file, or be left out.'),
        v.maxLength(FILES_MAX, `attachments may describe at most ${FILES_MAX} files.`),
      ),
    ),
    sig: rsaOutput('sig'),
  },
  'The plaintext must be an object with exactly v, id, from, cert, to, sentAt, text, sig and optionally attachments.',
) satisfies v.GenericSchema<unknown, PlaintextV2>;

/** What neither version accepts: an object whose `v` is neither 1 nor 2 (or missing), or no object. */
const unknownVersion = v.object({ v: v.never('v must be 1 or 2.') }, (issue) => (issue.expected === '"v"' ? 'v must be 1 or 2.' : 'Send an envelope object.')) as unknown as v.GenericSchema<
  unknown,
  never
>;
const notAnObject = v.custom<never>(() => false, 'Send an envelope object.');

/**
 * Either version, chosen by `v`: the issues are those of that version's schema, so they name the
 * field as for a single version; any other `v` gets "v must be 1 or 2.".
 */
export const anyEnvelopeSchema = v.lazy((input) =>
  !isObject(input) ? notAnObject : input.v === 1 ? envelopeSchema : input.v === 2 ? envelopeV2Schema : unknownVersion,
) satisfies v.GenericSchema<unknown, Envelope | EnvelopeV2>;

const keyOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * `names` in code-unit order. A 1:1 envelope holds two keys, put in order by hand:
 * Array.prototype.sort sets up ~600 bytes of state whatever the length, on every message.
 */
function inKeyOrder(names: string[]): string[] {
  if (names.length === 2) return names[0] > names[1] ? [names[1], names[0]] : names;
  return names.sort(keyOrder);
}

/**
 * The text the outer signature covers, RFC 8785 over the envelope (either version) without `sig`,
 * written field by field: the same as `jcs(unsigned(e))` for every envelope the schema accepts (a property test holds
 * the two together), at a fraction of the cost of a general canonicaliser, which the server would
 * otherwise pay on every message. Members in code-unit order (RFC 8785 §3.2.3), strings as
 * JSON.stringify writes them (§3.2.2.2).
 */
export function envelopeSigningText(e: Envelope | EnvelopeV2): string {
  const s = JSON.stringify;
  const keys = inKeyOrder(Object.keys(e.keys))
    .map((k) => `${s(k)}:${s(e.keys[k])}`)
    .join(',');
  if (e.v !== 2) {
    return `{"cert":${s(e.cert)},"ct":${s(e.ct)},"from":${s(e.from)},"id":${s(e.id)},"iv":${s(e.iv)},"keys":{${keys}},"sentAt":${s(e.sentAt)},"to":${s(e.to)},"v":${s(e.v)}}`;
  }
  // Version 2: "epoch" and "files" sort between "ct" and "from", and appear only when present (an
  // own member holding undefined has no JSON form, so it is absent for JCS too). Integers are
  // written by JSON.stringify as RFC 8785 §3.2.2.3 wants (ECMAScript Number to string).
  const epoch = e.epoch === undefined ? '' : `,"epoch":${s(e.epoch)}`;
  const files = e.files === undefined ? '' : `,"files":[${e.files.map((f) => s(f)).join(',')}]`;
  return `{"cert":${s(e.cert)},"ct":${s(e.ct)}${epoch}${files},"from":${s(e.from)},"id":${s(e.id)},"iv":${s(e.iv)},"keys":{${keys}},"sentAt":${s(e.sentAt)},"to":${s(e.to)},"v":2}`;
}

/** The object a signature covers: the envelope or plaintext without its `sig`. */
export function unsigned<T extends { sig: string }>(signed: T): Omit<T, 'sig'> {
  const { sig: _sig, ...rest } = signed;
  return rest;
}
