// Protocol §2: the enrollment request and answer. The schema is used by the route, by the
// registration page in the browser (hints and errors as you type) and by the tests.
import * as v from 'valibot';
import { deviceNameSchema } from './devices.ts';
import { isCommonPassword } from './common-passwords.ts';
import { englishText } from './error-messages.ts';

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
  englishText('error.enroll.email.ascii');
const EMAIL_MALFORMED = englishText('error.enroll.email.malformed');

/** Why an (already trimmed) address is refused, or undefined when it is fine. */
export function emailProblem(value: string): string | undefined {
  if (value.length > EMAIL_MAX) return englishText('error.text.atMost', { max: EMAIL_MAX });
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
    v.minLength(PASSWORD_MIN, englishText('error.text.atLeast', { min: PASSWORD_MIN })),
    v.maxLength(PASSWORD_MAX, englishText('error.text.atMost', { max: PASSWORD_MAX })),
    v.check((p) => !isCommonPassword(p), englishText('error.password.common')),
  );

const name = (field: 'firstName' | 'lastName') =>
  v.pipe(
    v.string(englishText(`error.enroll.${field}.missing`)),
    v.trim(),
    v.nonEmpty(englishText(`error.enroll.${field}.missing`)),
    v.maxLength(64, englishText(`error.enroll.${field}.long`)),
    v.regex(NAME_PATTERN, englishText(`error.enroll.${field}.letters`)),
  );

/** One schema for the enrollment route; the card-number pattern is configurable (protocol §2). */
export function enrollSchema(cardPattern: RegExp = new RegExp(DEFAULT_CARD_PATTERN)) {
  return v.pipe(
    v.object({
      cardNumber: v.pipe(
        v.string(englishText('error.enroll.card.missing')),
        v.trim(),
        v.nonEmpty(englishText('error.enroll.card.missing')),
        v.regex(
          cardPattern,
          cardPattern.source === DEFAULT_CARD_PATTERN ? englishText('error.enroll.card.digits') : englishText('error.enroll.card.invalid'),
        ),
      ),
      firstName: name('firstName'),
      lastName: name('lastName'),
      login: v.pipe(
        v.string(englishText('error.enroll.login.missing')),
        v.trim(),
        v.toLowerCase(), // one rule on every page and route: a login is stored lowercase (docs/protocol.md §2)
        v.nonEmpty(englishText('error.enroll.login.missing')),
        v.regex(LOGIN_PATTERN, englishText('error.enroll.login.pattern')),
      ),
      email: v.pipe(
        v.string(englishText('error.enroll.email.missing')),
        v.trim(),
        v.nonEmpty(englishText('error.enroll.email.missing')),
        v.rawCheck(({ dataset, addIssue }) => {
          if (!dataset.typed) return;
          const problem = emailProblem(dataset.value);
          if (problem) addIssue({ message: problem });
        }),
      ),
      password: newPassword(englishText('error.enroll.password.missing')),
      csr: v.pipe(
        v.string(englishText('error.enroll.csr.missing')),
        v.trim(),
        v.nonEmpty(englishText('error.enroll.csr.missing')),
        v.maxLength(32 * 1024, englishText('error.enroll.csr.large')),
      ),
      deviceName: v.optional(deviceNameSchema),
    }),
    v.forward(
      v.partialCheck(
        [['login'], ['password']],
        (i) => i.password.toLowerCase() !== i.login.toLowerCase(),
        englishText('error.enroll.password.isLogin'),
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
