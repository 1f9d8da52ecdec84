// Which certificates are a login's current ones, decided in one place: those the directory holds
// for the login, each with the record of its issue. Today a login holds one; with several devices
// (protocol §6) it will hold one per device, hence the plural.
import { createHash } from 'node:crypto';
import type { DirectoryUser } from '../directory/directory.ts';
import type { CertificateRecord, CertificateRecords } from './records.ts';

type Holder = Pick<DirectoryUser, 'login' | 'certificate'>;

const fingerprintOf = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

/** The records of the certificates `user` holds now, issued to that very login. */
export async function currentCertificates(records: CertificateRecords, user: Holder): Promise<CertificateRecord[]> {
  const record = await records.byFingerprint(fingerprintOf(user.certificate));
  return record && record.login === user.login ? [record] : [];
}

/** Whether `record` is one of `user`'s current certificates (revoked or expired ones included). */
export function isCurrent(user: Holder, record: CertificateRecord): boolean {
  return record.login === user.login && Buffer.from(user.certificate).equals(Buffer.from(record.der));
}

/** The fingerprint of the certificate `user` holds (protocol §4's `fingerprint`). */
export const heldFingerprint = (user: Holder) => fingerprintOf(user.certificate);
