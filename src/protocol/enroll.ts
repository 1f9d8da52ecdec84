// Protocol §2: the enrollment request and answer. The schema is used by the route, by the
// registration page in the browser (hints and errors as you type) and by the tests.
import * as v from 'valibot';
import { deviceNameSchema } from './devices.ts';
import { isCommonPassword } from './common-passwords.ts';

export const DEFAULT_CARD_PATTERN = '^[0-9]{8}$';
export const LOGIN_PATTERN = /^[a-z][a-z0-9._-]{2,31}$/;
// A letter first, then letters (any script, with their combining marks), spaces, hyphens, apostrophes.
export const NAME_PATTERN = /^\p{L}[\p{L}\p{M} '’-]*$/u;
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1024;
export const EMAIL_MAX = 254;

export interface EnrollRequest {
  cardNumber: string;
  firstName: string;
  lastName: string;
  login: string;
  email: string;
  password: string;
  csr: string;
  /** Protocol §6: the name of the device the key is on; derived from its User-Agent when absent. */
  deviceName?: string;
}

export interface EnrollResponse {
  login: string;
  serial: string;
  fingerprint: string;
  notAfter: string;
  certificate: string;
  chain: string;
  /**
   * Names in the request that are not the applicant's (e.g. "subject CN=Someone", "subjectAltName
   * email:x@example.org"): left out of the certificate, which names only the applicant. Present
   * only when there are some.
   */
  ignored?: string[];
}

export const ENROLL_FIELDS = ['cardNumber', 'firstName', 'lastName', 'login', 'email', 'password', 'csr', 'deviceName'] as const;

export const FIELD_HINTS: Record<keyof EnrollRequest, string> = {
  cardNumber: 'Your identity card number: 8 digits.',
  firstName: 'Letters, spaces, hyphens and apostrophes; up to 64.',
  lastName: 'Letters, spaces, hyphens and apostrophes; up to 64.',
  login: '3 to 32 characters: a–z, 0–9, dot, underscore or hyphen, starting with a letter.',
  email: 'Where we can reach you, in plain ASCII, e.g. name@example.org.',
  password: 'At least 12 characters, not your login and not a common password.',
  csr: 'A PEM certificate request (PKCS#10) with an RSA key of 2048 bits or more.',
  deviceName: 'What you call this device, e.g. "Laptop"; up to 64 characters.',
};

// An email address goes into the certificate as an rfc822Name, an IA5String (RFC 5280 §4.2.1.6):
// ASCII only. Anything else cannot be written as given (a library keeping the low byte of "Ŷ"
// writes "v"), so only what is exactly representable is accepted: an RFC 5321 dot-atom before the
// @, and at least two LDH labels (letters, digits, inner hyphens) after it.
const ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~-";
const LOCAL_PART = new RegExp(`^[${ATEXT}]+(?:\\.[${ATEXT}]+)*$`);
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** Printable ASCII without the space: the only characters an address may hold. */
export const EMAIL_CHARACTERS = /^[\x21-\x7e]*$/;

export const EMAIL_NOT_ASCII =
  'Use an address in plain ASCII: letters a–z, digits and . _ % + - before the @; letters, digits, hyphens and dots after it. No accented letters, spaces or control characters.';
const EMAIL_MALFORMED = 'Enter a valid email address, like name@example.org.';

/** Why an (already trimmed) address is refused, or undefined when it is fine. */
export function emailProblem(value: string): string | undefined {
  if (value.length > EMAIL_MAX) return `Use at most ${EMAIL_MAX} characters.`;
  if (!EMAIL_CHARACTERS.test(value)) return EMAIL_NOT_ASCII;
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  const ok = at > 0 && local.length <= 64 && LOCAL_PART.test(local) && labels.length >= 2 && labels.every((l) => DOMAIN_LABEL.test(l));
  return ok ? undefined : EMAIL_MALFORMED;
}

/** The rules for a password someone chooses, at registration and when changing it. */
export const newPassword = (missing: string) =>
  v.pipe(
    v.string(missing),
    v.minLength(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`),
    v.maxLength(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`),
    v.check((p) => !isCommonPassword(p), 'This password is too common; choose one nobody would guess.'),
  );

const name = (what: string) =>
  v.pipe(
    v.string(`Enter your ${what}.`),
    v.trim(),
    v.nonEmpty(`Enter your ${what}.`),
    v.maxLength(64, `Your ${what} can be at most 64 characters.`),
    v.regex(NAME_PATTERN, `Use only letters, spaces, hyphens and apostrophes in your ${what}, starting with a letter.`),
  );

/** One schema for the enrollment route; the card-number pattern is configurable (protocol §2). */
export function enrollSchema(cardPattern: RegExp = new RegExp(DEFAULT_CARD_PATTERN)) {
  return v.pipe(
    v.object({
      cardNumber: v.pipe(
        v.string('Enter your identity card number.'),
        v.trim(),
        v.nonEmpty('Enter your identity card number.'),
        v.regex(
          cardPattern,
          cardPattern.source === DEFAULT_CARD_PATTERN ? 'The card number is exactly 8 digits.' : 'This is not a valid card number.',
        ),
      ),
      firstName: name('first name'),
      lastName: name('last name'),
      login: v.pipe(
        v.string('Choose a login.'),
        v.trim(),
        v.toLowerCase(), // one rule on every page and route: a login is stored lowercase (docs/protocol.md §2)
        v.nonEmpty('Choose a login.'),
        v.regex(LOGIN_PATTERN, 'Use 3 to 32 characters: a–z, 0–9, dot, underscore or hyphen, starting with a letter.'),
      ),
      email: v.pipe(
        v.string('Enter your email address.'),
        v.trim(),
        v.nonEmpty('Enter your email address.'),
        v.rawCheck(({ dataset, addIssue }) => {
          if (!dataset.typed) return;
          const problem = emailProblem(dataset.value);
          if (problem) addIssue({ message: problem });
        }),
      ),
      password: newPassword('Choose a password.'),
      csr: v.pipe(
        v.string('Attach a certificate request (PEM).'),
        v.trim(),
        v.nonEmpty('Attach a certificate request (PEM).'),
        v.maxLength(32 * 1024, 'The certificate request is too large.'),
      ),
      deviceName: v.optional(deviceNameSchema),
    }),
    v.forward(
      v.partialCheck(
        [['login'], ['password']],
        (i) => i.password.toLowerCase() !== i.login.toLowerCase(),
        'The password must not be your login.',
      ),
      ['password'],
    ),
  );
}

/** An issue as valibot reports it, or any Standard Schema (`path` items are keys or `{ key }`). */
export interface SchemaIssue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: unknown })[] | undefined;
}

/** Flattens schema issues into protocol `fields`: the first message per top-level field. */
export function issuesToFields(issues: readonly SchemaIssue[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const first = issue.path?.[0];
    const key = typeof first === 'object' && first !== null ? first.key : first;
    const field = typeof key === 'string' ? key : '_';
    fields[field] ??= issue.message;
  }
  return fields;
}
