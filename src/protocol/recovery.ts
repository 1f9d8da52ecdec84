// Extension of the protocol: operator-assisted recovery (docs/protocol.md, "Extensions"). A person
// whose certificate was revoked, has expired or whose key is lost asks an operator for a one-time
// recovery code and trades it, with their password and a new CSR, for a new certificate. Someone
// who forgot their password too gets a code that also lets them choose a new one, and sends that
// instead. The schema is used by the route and by the recovery page in the browser.
import * as v from 'valibot';
import { newPassword } from './enroll.ts';
import { englishText } from './error-messages.ts';

const enterLogin = englishText('error.login.login.missing');
const enterPassword = englishText('error.login.password.missing');
const enterCode = englishText('error.recovery.code.missing');
const attachCsr = englishText('error.recovery.csr.missing');

/**
 * A code is 128 random bits written in Crockford's base32 (no I, L, O, U: nothing to misread when
 * read out), 26 characters shown in groups of four. Input ignores case, dashes and spaces, and
 * reads O as 0 and I or L as 1, as Crockford's decoding does.
 */
export const RECOVERY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECOVERY_CODE_LENGTH = 26;

/** The canonical form (26 upper-case alphabet characters, no dashes), or undefined when it cannot be a code. */
export function canonicalRecoveryCode(input: string): string | undefined {
  const s = input.replace(/[\s-]+/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== RECOVERY_CODE_LENGTH) return undefined;
  for (const ch of s) if (!RECOVERY_ALPHABET.includes(ch)) return undefined;
  return s;
}

/** `ABCD-EFGH-…-XY`: how a canonical code is shown to the operator. */
export const groupedRecoveryCode = (canonical: string) => canonical.match(/.{1,4}/g)!.join('-');

export const RECOVER_FIELDS = ['login', 'password', 'newPassword', 'code', 'csr'] as const;

// Login and password are only bounded, not checked against the registration rules: whatever is
// wrong with them must get the one refusal that does not say which part was wrong.
// A new password, on the other hand, is one being chosen: the registration rules apply, and
// breaking one says nothing about the account.
export const recoverRequestSchema = v.pipe(
  v.object({
    login: v.pipe(v.string(enterLogin), v.trim(), v.toLowerCase(), v.nonEmpty(enterLogin), v.maxLength(64, enterLogin)),
    password: v.optional(v.pipe(v.string(enterPassword), v.nonEmpty(enterPassword), v.maxLength(1024, enterPassword))),
    newPassword: v.optional(newPassword(englishText('error.password.newMissing'))),
    code: v.pipe(
      v.string(enterCode),
      v.trim(),
      v.nonEmpty(enterCode),
      v.maxLength(64, 'A recovery code has 26 letters and digits, like ABCD-EFGH-…'),
      v.rawTransform(({ dataset, addIssue, NEVER }) => {
        const canonical = canonicalRecoveryCode(dataset.value);
        if (canonical) return canonical;
        addIssue({ message: englishText('error.recovery.code.shape') });
        return NEVER;
      }),
    ),
    csr: v.pipe(
      v.string(attachCsr),
      v.trim(),
      v.nonEmpty(attachCsr),
      v.maxLength(32 * 1024, englishText('error.enroll.csr.large')),
    ),
  }),
  v.forward(
    v.partialCheck([['password'], ['newPassword']], (r) => (r.password === undefined) !== (r.newPassword === undefined), englishText('error.recovery.oneOfTwo')),
    ['password'],
  ),
  v.forward(
    v.partialCheck([['login'], ['newPassword']], (r) => r.newPassword === undefined || r.newPassword.toLowerCase() !== r.login.toLowerCase(), englishText('error.enroll.password.isLogin')),
    ['newPassword'],
  ),
);

export type RecoverRequest = v.InferOutput<typeof recoverRequestSchema>;
