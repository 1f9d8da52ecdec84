// Which certificates are a login's current ones, decided in one place. A login holds one per
// device (protocol §6): every certificate issued to it and not revoked. Renewal and recovery revoke
// what they replace (as superseded); revoking a device, or the last one, takes it out too. Expired
// certificates stay current: they are their device's until it renews or the person recovers.
import type { CertificateRecord, CertificateRecords } from './records.ts';

/** Protocol §6: a user holds at most this many current certificates. */
export const MAX_DEVICES = 10;

/** The login's current certificates, oldest first. */
export async function currentCertificates(records: CertificateRecords, login: string): Promise<CertificateRecord[]> {
  return currentAmong(await records.forLogin(login), login);
}

/** currentCertificates over records already read (`records.forLogin(login)`). */
export const currentAmong = (all: readonly CertificateRecord[], login: string): CertificateRecord[] => all.filter((r) => r.login === login && !r.revokedAt);

/**
 * Whether `record` is, or was until its revocation, one of `login`'s devices: issued to that login
 * and not replaced by a renewal or recovery. Login and the relay ask this first, to answer
 * `not_owner` for anything else, and then `revoked` or `expired` for what it is.
 */
export function isDeviceOf(login: string, record: CertificateRecord): boolean {
  return record.login === login && record.state === 'issued' && record.revocationReason !== 'superseded';
}

/**
 * The certificate a single-certificate question is answered with (protocol §4 `GET
 * /users/{login}/certificate`, the directory's fingerprint): the newest current one; when none is
 * current, the newest device certificate, revoked, so that the answer says so.
 */
export async function shownCertificate(records: CertificateRecords, login: string): Promise<CertificateRecord | undefined> {
  return shownAmong(await records.forLogin(login), login);
}

/** shownCertificate over records already read (`records.forLogin(login)`). */
export function shownAmong(all: readonly CertificateRecord[], login: string): CertificateRecord | undefined {
  const devices = all.filter((r) => isDeviceOf(login, r));
  return devices.findLast((r) => !r.revokedAt) ?? devices.at(-1);
}

/**
 * The current certificate of the device that held `serial`: itself while current; after renewals
 * (a session outlives them: the same person proved the new key), the one that superseded it last.
 * Undefined when that device's certificate was revoked, or recovery replaced every device.
 */
export async function deviceNow(records: CertificateRecords, login: string, serial: string): Promise<CertificateRecord | undefined> {
  return (await deviceResolver(records, login))(serial);
}

/** `deviceNow` for many serials of one login, its records read once. */
export async function deviceResolver(records: CertificateRecords, login: string): Promise<(serial: string) => CertificateRecord | undefined> {
  const all = await records.forLogin(login);
  const successor = new Map<string, CertificateRecord>();
  // A recovery supersedes every device at once: no one device follows from it.
  for (const r of all) if (r.supersedes?.length === 1) successor.set(r.supersedes[0], r);
  return (serial) => {
    let r = all.find((x) => x.serial === serial);
    for (let hops = 0; r && r.revocationReason === 'superseded' && hops < all.length; hops++) r = successor.get(r.serial);
    return r && isDeviceOf(login, r) && !r.revokedAt ? r : undefined;
  };
}
