// In-memory fake of the directory port (src/directory/directory.ts), mirroring the embedded SQLite
// adapter (src/store/sqlite/directory.ts): login, card number and email (case-insensitively) are
// unique; a registration stages the certificate, inserts the user and confirms, all or nothing —
// a taken field throws DomainError('conflict') naming it, and the staged record is discarded, as the
// adapter's rolled-back transaction would forget it.
import type { Directory, DirectoryUser, Registration, UniqueField } from '../../src/directory/directory.ts';
import { conflictError } from '../../src/directory/conflict.ts';

const copy = (u: DirectoryUser): DirectoryUser => ({ ...u, certificate: new Uint8Array(u.certificate) });

export class FakeDirectory implements Directory {
  readonly kind = 'embedded' as const;
  private readonly users = new Map<string, DirectoryUser>();

  async get(login: string): Promise<DirectoryUser | undefined> {
    const u = this.users.get(login);
    return u && copy(u);
  }

  async list(): Promise<DirectoryUser[]> {
    return [...this.users.values()].sort((a, b) => (a.login < b.login ? -1 : a.login > b.login ? 1 : 0)).map(copy);
  }

  async findConflicts(u: Pick<DirectoryUser, UniqueField>): Promise<UniqueField[]> {
    const taken: UniqueField[] = [];
    const all = [...this.users.values()];
    if (this.users.has(u.login)) taken.push('login');
    if (all.some((x) => x.email.toLowerCase() === u.email.toLowerCase())) taken.push('email');
    if (all.some((x) => x.cardNumber === u.cardNumber)) taken.push('cardNumber');
    return taken;
  }

  async register(r: Registration): Promise<void> {
    const u = r.user;
    await r.stage(); // throws before anything is written here: nothing to undo
    let inserted = false;
    try {
      // The first UNIQUE constraint SQLite meets: the primary key, then the columns in table order.
      const taken = await this.findConflicts(u);
      const first = (['login', 'cardNumber', 'email'] as const).find((f) => taken.includes(f));
      if (first) throw conflictError(first);
      this.users.set(u.login, copy(u));
      inserted = true;
      await r.confirm();
    } catch (err) {
      if (inserted) this.users.delete(u.login);
      await r.discard();
      throw err;
    }
  }

  /** A user put in place directly, as if registered earlier. */
  seed(user: DirectoryUser): void {
    this.users.set(user.login, copy(user));
  }

  async setCertificate(login: string, der: Uint8Array): Promise<void> {
    const u = this.users.get(login);
    if (u) u.certificate = new Uint8Array(der);
  }

  async setPasswordHash(login: string, passwordHash: string): Promise<void> {
    const u = this.users.get(login);
    if (u) u.passwordHash = passwordHash;
  }

  async close(): Promise<void> {}
}
