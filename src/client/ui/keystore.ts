// What this browser keeps about its user's key, per login:
// - `backups`: the encrypted PKCS#8 backup (PBES2, the password is needed to open it) and the
//   certificate that goes with it. Nothing here is usable without the password.
// - `unlocked`: while logged in, the two non-extractable CryptoKeys opened from it, so the pages
//   (each a new document) can sign and decrypt without asking again. Deleted at logout and on the
//   login page. A script can use them but never read their bytes.
import { idbClear, idbDelete, idbGet, idbPut } from './db.ts';
import { decryptPrivateKey, encryptPrivateKey } from '../backup.ts';
import type { PrivateKeys } from '../keys.ts';

export interface StoredBackup {
  login: string;
  /** "ENCRYPTED PRIVATE KEY" PEM. */
  backup: string;
  /** The certificate issued for this key, PEM. */
  certificate: string;
  serial: string;
  savedAt: string;
  /** Keys this one replaced (renewals), encrypted the same way: needed to read older messages. */
  previous?: Array<{ backup: string; serial?: string }>;
}

export interface UnlockedKey {
  login: string;
  keys: PrivateKeys;
  certificate: string;
  serial: string;
  /** RSA-OAEP keys of earlier certificates, for messages wrapped before a renewal. */
  previousDecrypt?: CryptoKey[];
  /**
   * The serial of each previousDecrypt key, in the same order, where known: a version 2 envelope
   * (§7) names the certificate each key is wrapped for. A key from a backup file comes without one.
   */
  previousSerials?: Array<string | undefined>;
}

export const getBackup = (login: string) => idbGet<StoredBackup>('backups', login);
export const saveBackup = (b: Omit<StoredBackup, 'savedAt'>) => idbPut('backups', b.login, { ...b, savedAt: new Date().toISOString() });
export const deleteBackup = (login: string) => idbDelete('backups', login);

export const getUnlocked = (login: string) => idbGet<UnlockedKey>('unlocked', login);
export async function saveUnlocked(u: UnlockedKey): Promise<void> {
  if ([u.keys.sign, u.keys.decrypt, ...(u.previousDecrypt ?? [])].some((k) => k.extractable)) throw new Error('only non-extractable keys are kept');
  await idbPut('unlocked', u.login, u);
}
export const forgetUnlocked = () => idbClear('unlocked');

/** One encrypted key, opened with `from` and sealed again with `to`; its bytes are wiped after. */
async function reseal(backup: string, from: string, to: string): Promise<string> {
  const pkcs8 = await decryptPrivateKey(backup, from);
  try {
    return await encryptPrivateKey(pkcs8, to);
  } finally {
    pkcs8.fill(0);
  }
}

/**
 * The keys this browser keeps, sealed with the new password: the current one must open with the
 * current password (else BackupError wrong_password); an older one that does not stays as it was.
 */
export async function resealAll(stored: Pick<StoredBackup, 'backup' | 'previous'>, from: string, to: string): Promise<Pick<StoredBackup, 'backup' | 'previous'>> {
  const backup = await reseal(stored.backup, from, to);
  const previous = [];
  for (const p of stored.previous ?? []) previous.push({ ...p, backup: await reseal(p.backup, from, to).catch(() => p.backup) });
  return { backup, previous };
}
