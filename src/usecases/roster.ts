// The directory as users see it (protocol §4): everyone registered, who is online, last seen, and
// the fingerprint of their current certificate, with its standing (revoked, expired…) so no page
// offers to write to someone no message can be encrypted for.
import type { UserEntry } from '../protocol/session.ts';
import type { Presence } from '../chat/presence.ts';
import type { CertificateRecords } from '../pki/records.ts';
import { standing, type CertificateStanding } from '../pki/status.ts';
import type { Directory } from '../directory/directory.ts';
import { currentCertificates, heldFingerprint } from '../pki/current.ts';

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
      const fingerprint = heldFingerprint(u);
      const [record] = await currentCertificates(this.records, u);
      const s = record ? standing(record, now) : undefined;
      return {
        login: u.login,
        firstName: u.firstName,
        lastName: u.lastName,
        online: online.has(u.login),
        lastSeen: seen.get(u.login) ?? null,
        fingerprint,
        certificateStatus: s?.status ?? 'unknown',
        ...(s ? { notAfter: s.notAfter } : {}),
        ...(s?.revokedAt ? { revokedAt: s.revokedAt, revocationReason: s.revocationReason ?? 'unspecified' } : {}),
      };
    }),
    );
    return users.sort((a, b) => Number(b.online) - Number(a.online) || a.login.localeCompare(b.login));
  }

  async certificate(login: string): Promise<UserCertificate | undefined> {
    const user = await this.directory.get(login);
    if (!user) return undefined;
    const [record] = await currentCertificates(this.records, user);
    if (!record) return undefined;
    return { login, der: user.certificate, ...standing(record, this.now()) };
  }
}

