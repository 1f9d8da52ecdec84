// Changing one's password (an extension, docs/protocol.md): the request schema, shared with the
// browser, which checks the same rules as you type.
import * as v from 'valibot';
import { newPassword, PASSWORD_MAX } from './enroll.ts';

export const PASSWORD_CHANGE_FIELDS = ['currentPassword', 'newPassword'] as const;

export const passwordChangeSchema = v.pipe(
  v.object({
    currentPassword: v.pipe(
      v.string('Enter your current password.'),
      v.nonEmpty('Enter your current password.'),
      v.maxLength(PASSWORD_MAX, 'This is not your current password.'),
    ),
    newPassword: newPassword('Choose a new password.'),
  }),
  v.forward(
    v.partialCheck([['currentPassword'], ['newPassword']], (i) => i.currentPassword !== i.newPassword, 'Choose a password other than your current one.'),
    ['newPassword'],
  ),
);

export type PasswordChangeRequest = v.InferOutput<typeof passwordChangeSchema>;

export interface PasswordChangeResponse {
  changed: true;
  /** Other sessions of this user that were ended (this one stays). */
  sessionsEnded: number;
}
