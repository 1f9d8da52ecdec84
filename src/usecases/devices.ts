// A person's devices (protocol §6): each current certificate with its device's name, when a
// session of it was last opened, which one is asking; and retiring one, which ends its sessions.
// Crosses pki (records, revocation) and auth (sessions): a use case.
import type { Sessions } from '../auth/sessions.ts';
import type { ActivityOrigin } from '../auth/activity.ts';
import { DomainError } from '../protocol/errors.ts';
import { UNNAMED_DEVICE, type CurrentCertificateEntry, type DeviceEntry } from '../protocol/devices.ts';
import { currentCertificates, deviceResolver } from '../pki/current.ts';
import type { CertificateRecord, CertificateRecords } from '../pki/records.ts';
import type { UserRevocationReason } from '../pki/lifecycle.ts';
import { toPem } from '../pki/x509.ts';
import type { CertificateChanges } from './certificate-changes.ts';
import { errorText } from '../protocol/error-messages.ts';

export interface DevicesDeps {
  records: CertificateRecords;
  sessions: Sessions;
  changes: CertificateChanges;
  now: () => Date;
}

export const deviceNameOf = (r: Pick<CertificateRecord, 'deviceName'>) => r.deviceName ?? UNNAMED_DEVICE;

export class Devices {
  private readonly d: DevicesDeps;
  constructor(deps: DevicesDeps) {
    this.d = deps;
  }

  /** Every current certificate of `login`: what a sender wraps a message key for. */
  async certificates(login: string): Promise<CurrentCertificateEntry[]> {
    return (await currentCertificates(this.d.records, login)).map((r) => ({
      serial: r.serial,
      deviceName: deviceNameOf(r),
      notAfter: r.notAfter,
      fingerprint: r.fingerprint,
      certificate: toPem(r.der),
    }));
  }

  /** The caller's devices, oldest first; `sessionSerial` is the certificate the asking session was opened with. */
  async list(login: string, sessionSerial: string): Promise<DeviceEntry[]> {
    const { records, sessions } = this.d;
    const deviceOf = await deviceResolver(records, login);
    const mine = deviceOf(sessionSerial);
    // A session opened before its device renewed holds the older serial: count it for the device.
    const lastSeen = new Map<string, string>();
    for (const s of await sessions.live(login)) {
      const device = deviceOf(s.certSerial)?.serial;
      if (device && (lastSeen.get(device) ?? '') < s.createdAt) lastSeen.set(device, s.createdAt);
    }
    return (await currentCertificates(records, login)).map((r) => ({
      serial: r.serial,
      deviceName: deviceNameOf(r),
      createdAt: r.issuedAt,
      notAfter: r.notAfter,
      lastSeen: lastSeen.get(r.serial) ?? null,
      current: r.serial === mine?.serial,
    }));
  }

  /**
   * Retires one of the caller's current devices: its certificate revoked (by default as ceased
   * to operate), its sessions ended. `404` for anything that is not one of the caller's current
   * certificates, revoked ones included.
   */
  async revoke(login: string, serial: string, reason: UserRevocationReason, origin?: ActivityOrigin): Promise<CertificateRecord> {
    const current = await currentCertificates(this.d.records, login);
    if (!current.some((r) => r.serial === serial)) throw new DomainError('not_found', errorText('error.device.notCurrent', { serial }));
    return this.d.changes.revoke({ login, serial }, reason, origin);
  }
}
