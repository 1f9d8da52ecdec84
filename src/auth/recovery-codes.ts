// One-time recovery codes: 128 random bits an operator hands to someone who cannot log in, kept
// only as their SHA-256 (a copy of the database grants nothing), one per login. The store is a
// port; src/store/sqlite/recovery-codes.ts implements it. The flow that uses them is a use case
// (src/usecases/recovery.ts).
import { createHash, randomBytes } from 'node:crypto';
import { RECOVERY_ALPHABET } from '../protocol/recovery.ts';

export interface StoredRecoveryCode {
  login: string;
  /** Lowercase hex SHA-256 of the canonical code (src/protocol/recovery.ts). */
  codeHash: string;
  createdAt: string;
  expiresAt: string;
  /** The code may be used with a new password instead of the current one. */
  resetsPassword: boolean;
}

export interface RecoveryCodeStore {
  /** Keeps the code for its login, replacing any earlier one. */
  put(code: StoredRecoveryCode): Promise<void>;
  get(login: string): Promise<StoredRecoveryCode | undefined>;
  /**
   * Removes the login's code if it is still this one and not expired at `now`; true only for the
   * call that removed it, so of two concurrent uses exactly one wins.
   */
  take(login: string, codeHash: string, now: string): Promise<boolean>;
}

export const RECOVERY_HOURS_DEFAULT = 24;
export const RECOVERY_HOURS_MAX = 168;

export const hashRecoveryCode = (canonical: string) => createHash('sha256').update(canonical, 'utf8').digest('hex');

/** 128 random bits as 26 base32 characters (the last one carries 3 bits). */
export function newRecoveryCode(): string {
  const bytes = randomBytes(16);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += RECOVERY_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out + RECOVERY_ALPHABET[(value << (5 - bits)) & 31];
}
