// Changing one's password. The current password proves the owner is at the keyboard (a session
// left open is not enough); the new one follows the registration rules; every other session of
// the user ends, so whoever knew the old password is logged out everywhere else. The browser
// re-encrypts the keys it keeps with the new password itself: the server never sees them.
import { validationError } from '../protocol/errors.ts';
import type { PasswordChangeRequest } from '../protocol/account.ts';
import type { Directory } from '../directory/directory.ts';
import { hashPassword, verifyPassword } from './password.ts';
import type { Sessions } from './sessions.ts';
import type { Activity, ActivityOrigin } from './activity.ts';

export interface PasswordChangeDeps {
  directory: Directory;
  sessions: Sessions;
  passwordIterations: number;
  activity: Activity;
}

const fieldError = (field: string, message: string) => validationError({ [field]: message });

export class PasswordChange {
  private readonly d: PasswordChangeDeps;
  constructor(deps: PasswordChangeDeps) {
    this.d = deps;
  }

  /** For the session of `login` holding `token`: how many other sessions were ended. */
  async change(login: string, token: string, req: PasswordChangeRequest, origin: ActivityOrigin = {}): Promise<{ sessionsEnded: number }> {
    if (req.newPassword.toLowerCase() === login.toLowerCase()) throw fieldError('newPassword', 'The password must not be your login.');
    const user = await this.d.directory.get(login);
    if (!user || !(await verifyPassword(req.currentPassword, user.passwordHash))) {
      // Someone at an open session who does not know the password: the owner should hear of it.
      await this.d.activity.record(login, 'password_change_refused', {}, origin);
      throw fieldError('currentPassword', 'This is not your current password.');
    }
    await this.d.directory.setPasswordHash(login, await hashPassword(req.newPassword, this.d.passwordIterations));
    const sessionsEnded = await this.d.sessions.closeOthers(login, token);
    await this.d.activity.record(login, 'password_changed', {}, origin);
    return { sessionsEnded };
  }
}
