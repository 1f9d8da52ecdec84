// The password half of a login (protocol §3), for every request that names a login and its
// password without a session: §3 login, and asking to link a new device (§6), which answers as
// login does. An unknown login costs the same PBKDF2 work as a wrong password and gets the same
// refusal, so neither the answer nor its time tells who is registered.
import { DomainError } from '../protocol/errors.ts';
import type { Directory, DirectoryUser } from '../directory/directory.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { errorText } from '../protocol/error-messages.ts';

export const invalidCredentials = () => new DomainError('invalid_credentials', errorText('error.login.wrong'));

export class PasswordCheck {
  private readonly directory: Directory;
  private readonly iterations: number;
  private dummyHash: Promise<string> | undefined;

  constructor(directory: Directory, passwordIterations: number) {
    this.directory = directory;
    this.iterations = passwordIterations;
  }

  /** Spent on unknown logins so that they take as long as a wrong password. */
  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(crypto.randomUUID(), this.iterations);
    return this.dummyHash;
  }

  /** The user whose password this is; `401 invalid_credentials` for a wrong password or an unknown login alike. */
  async check(login: string, password: string): Promise<DirectoryUser> {
    const user = await this.directory.get(login);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.dummy()));
    if (!user || !ok) throw invalidCredentials();
    return user;
  }
}
