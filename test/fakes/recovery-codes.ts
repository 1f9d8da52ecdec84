// In-memory fake of the recovery-code store (src/auth/recovery-codes.ts), as
// src/store/sqlite/recovery-codes.ts: one code per login, `take` removes it only when it is still
// that code and not expired, and only one call wins.
import type { RecoveryCodeStore, StoredRecoveryCode } from '../../src/auth/recovery-codes.ts';

export class FakeRecoveryCodes implements RecoveryCodeStore {
  private readonly codes = new Map<string, StoredRecoveryCode>();
  async put(code: StoredRecoveryCode): Promise<void> {
    this.codes.set(code.login, { ...code });
  }
  async get(login: string): Promise<StoredRecoveryCode | undefined> {
    const c = this.codes.get(login);
    return c && { ...c };
  }
  async take(login: string, codeHash: string, now: string): Promise<boolean> {
    const c = this.codes.get(login);
    if (!c || c.codeHash !== codeHash || !(c.expiresAt > now)) return false;
    this.codes.delete(login);
    return true;
  }
}
