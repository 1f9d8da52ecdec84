// The directory as users see it (protocol §4): everyone registered, who is online, last seen, and
// the fingerprint of their current certificate, with its standing (revoked, expired…) so no page
// offers to write to someone no message can be encrypted for.
import { createHash } from 'node:crypto';
import type { UserEntry } from '../protocol/session.ts';
import type { Presence } from '../chat/presence.ts';
import type { CertificateRecords } from '../pki/records.ts';
import { standing, type CertificateStanding } from '../pki/status.ts';
import type { Directory } from '../directory/directory.ts';
import { currentAmong, currentCertificates, shownAmong, shownCertificate } from '../pki/current.ts';

export interface UserCertificate extends CertificateStanding {
  login: string;
  der: Uint8Array;
}

export class Roster {
  private readonly directory: Directory;
  private readonly presence: Presence;
  private readonly records: CertificateRecords;
  private readonly now: () => Date;

  constructor(directory: Directory, presence: Presence, records: CertificateRecords, now: () => Date) {
    this.directory = directory;
    this.presence = presence;
    this.records = records;
    this.now = now;
  }

  /** Online users first, then by login. */
  async list(): Promise<UserEntry[]> {
    const seen = await this.presence.lastSeenAll();
    // On any instance, asked once for the whole list.
    const online = await this.presence.onlineAll();
    const now = this.now();
    const users = await Promise.all(
      (await this.directory.list()).map(async (u): Promise<UserEntry> => {
      // Read once for both answers: the list is asked for on every presence change.
      const all = await this.records.forLogin(u.login);
      const record = shownAmong(all, u.login);
      const s = record ? standing(record, now) : undefined;
      return {
        login: u.login,
        firstName: u.firstName,
        lastName: u.lastName,
        online: online.has(u.login),
        lastSeen: seen.get(u.login) ?? null,
        // A user no record speaks for (an LDAP entry made by hand): the certificate it holds.
        fingerprint: record?.fingerprint ?? createHash('sha256').update(u.certificate).digest('hex'),
        certificateStatus: s?.status ?? 'unknown',
        ...(s ? { notAfter: s.notAfter } : {}),
        ...(s?.revokedAt ? { revokedAt: s.revokedAt, revocationReason: s.revocationReason ?? 'unspecified' } : {}),
        devices: currentAmong(all, u.login).length,
      };
    }),
    );
    return users.sort((a, b) => Number(b.online) - Number(a.online) || a.login.localeCompare(b.login));
  }

  async certificate(login: string): Promise<UserCertificate | undefined> {
    const record = await shownCertificate(this.records, login);
    if (!record) return undefined;
    return { login, der: record.der, ...standing(record, this.now()) };
  }

  /** Every current certificate of `login` (protocol §6), oldest first, with its standing. */
  async certificates(login: string): Promise<(UserCertificate & { deviceName?: string })[]> {
    const now = this.now();
    return (await currentCertificates(this.records, login)).map((r) => ({
      login,
      der: r.der,
      ...(r.deviceName ? { deviceName: r.deviceName } : {}),
      ...standing(r, now),
    }));
  }
}

