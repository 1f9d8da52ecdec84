// Changing one's password (an extension, docs/protocol.md): the request schema, shared with the
// browser, which checks the same rules as you type.
import * as v from 'valibot';
import { newPassword, PASSWORD_MAX } from './enroll.ts';
import { englishText } from './error-messages.ts';

export const PASSWORD_CHANGE_FIELDS = ['currentPassword', 'newPassword'] as const;

export const passwordChangeSchema = v.pipe(
  v.object({
    currentPassword: v.pipe(
      v.string(englishText('error.account.current.missing')),
      v.nonEmpty(englishText('error.account.current.missing')),
      v.maxLength(PASSWORD_MAX, englishText('error.account.current.wrong')),
    ),
    newPassword: newPassword(englishText('error.password.newMissing')),
  }),
  v.forward(
    v.partialCheck([['currentPassword'], ['newPassword']], (i) => i.currentPassword !== i.newPassword, englishText('error.account.new.same')),
    ['newPassword'],
  ),
);

export type PasswordChangeRequest = v.InferOutput<typeof passwordChangeSchema>;

export interface PasswordChangeResponse {
  changed: true;
  /** Other sessions of this user that were ended (this one stays). */
  sessionsEnded: number;
}

// Security activity (an extension, docs/protocol.md "Your security activity").
export type ActivityKind =
  | 'login'
  | 'login_refused'
  | 'password_changed'
  | 'password_change_refused'
  | 'certificate_renewed'
  | 'certificate_revoked'
  | 'recovery_code_issued'
  | 'access_recovered'
  /** Protocol §6: a new device asked to be linked (its address and user agent), with the right password. */
  | 'device_link_requested'
  /** A device of yours approved it (that device's address): `serial` is the new certificate. */
  | 'device_link_approved'
  /** A device of yours refused it. */
  | 'device_link_refused'
  /** `reason`: `password` (asked with a wrong password: nothing was created) or `wrong_codes` (the fifth wrong code ended it). */
  | 'device_link_failed';

export interface ActivityEntry {
  at: string;
  kind: ActivityKind;
  /**
   * login_refused: `password` or a §3 certificate reason; certificate_revoked: the RFC 5280 reason;
   * device_link_failed: `password` or `wrong_codes`.
   */
  reason?: string;
  /** The certificate concerned: the new one of a renewal or recovery, the revoked one, the one logged in with. */
  serial?: string;
  /** device_link_*: the name the new device gave itself. */
  deviceName?: string;
  /** certificate_revoked: by the user, or by an operator. */
  by?: 'you' | 'operator';
  /** The address the request came from, as the server saw it. */
  address?: string;
  userAgent?: string;
}

export interface ActivityResponse {
  /** Newest first, at most 50. */
  events: ActivityEntry[];
}

/**
 * Read from a login's activity (newest first) just after a successful login: the login before it
 * and how many attempts under the name were refused in between — what the pages tell at once.
 */
export function sinceLastLogin(events: readonly ActivityEntry[]): { lastLogin?: ActivityEntry; refused: number } {
  let refused = 0;
  const [latest, ...earlier] = events;
  if (latest?.kind !== 'login') return { refused };
  for (const e of earlier) {
    if (e.kind === 'login') return { lastLogin: e, refused };
    if (e.kind === 'login_refused') refused++;
  }
  return { refused };
}
