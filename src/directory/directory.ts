// The directory port: who is registered. Two adapters implement it, embedded (SQLite, the default)
// and LDAP; both pass the same contract tests (test/helpers/directory-contract.ts).
export interface DirectoryUser {
  login: string;
  cardNumber: string;
  firstName: string;
  lastName: string;
  email: string;
  passwordHash: string;
  /** DER of the user's current certificate. */
  certificate: Uint8Array;
  createdAt: string;
}

export type UniqueField = 'login' | 'email' | 'cardNumber';

/**
 * A registration hands the directory the CA's side of the same unit of work, so that the user
 * entry and the certificate record are kept together or not at all: `stage` records the signed
 * certificate as pending, `confirm` makes it issued, `discard` forgets it. Every adapter stages,
 * writes the entry, then confirms; a refusal or an error undoes what was done, and a crash in
 * between leaves a pending record that `Lifecycle.reconcile` settles on the next start. (The
 * record store is another port, possibly another database: no transaction spans both.)
 */
export interface Registration {
  user: DirectoryUser;
  stage(): Promise<void>;
  confirm(): Promise<void>;
  discard(): Promise<void>;
}

export interface Directory {
  readonly kind: 'embedded' | 'ldap';
  get(login: string): Promise<DirectoryUser | undefined>;
  list(): Promise<DirectoryUser[]>;
  /**
   * Every unique field already taken by someone else, in the order login, email, card number
   * (email compared case-insensitively); empty when none is.
   */
  findConflicts(user: Pick<DirectoryUser, UniqueField>): Promise<UniqueField[]>;
  /** Throws DomainError('conflict') naming the field when a unique value is taken. */
  register(registration: Registration): Promise<void>;
  setCertificate(login: string, der: Uint8Array): Promise<void>;
  /** Replaces the stored password hash (a password change); unknown logins change nothing. */
  setPasswordHash(login: string, passwordHash: string): Promise<void>;
  close(): Promise<void>;
}
