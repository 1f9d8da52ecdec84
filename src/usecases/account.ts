// What a signed-in person sees of their own account: who they are, their certificate with its
// history, where they are logged in and what happened to the account. It reads four areas
// (directory, pki, auth, chat), so it lives here and the pages and the API both ask it.
import type { Directory, DirectoryUser } from '../directory/directory.ts';
import type { CertificateRecords } from '../pki/records.ts';
import { standing, type CertificateStanding } from '../pki/status.ts';
import { currentAmong, deviceResolver } from '../pki/current.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { Activity } from '../auth/activity.ts';
import type { ReadMarks } from '../chat/read-marks.ts';
import type { SessionSummary } from '../protocol/session.ts';
import type { ActivityEntry } from '../protocol/account.ts';
import type { Roster, UserCertificate } from './roster.ts';

export interface AccountDeps {
  directory: Directory;
  roster: Roster;
  records: CertificateRecords;
  sessions: Sessions;
  activity: Activity;
  marks: ReadMarks;
  now: () => Date;
}

export interface OwnCertificate {
  /** The certificate sessions are opened with now, with its standing. */
  current: UserCertificate;
  /** Every certificate ever issued to the login, newest first. */
  history: CertificateStanding[];
}

export interface AccountOverview {
  sessions: SessionSummary[];
  activity: ActivityEntry[];
  receipts: boolean;
}

export class Account {
  private readonly d: AccountDeps;
  constructor(deps: AccountDeps) {
    this.d = deps;
  }

  person(login: string): Promise<DirectoryUser | undefined> {
    return this.d.directory.get(login);
  }

  /**
   * Without `sessionSerial`, the login's newest current certificate. With it (the certificate the
   * asking session was opened with), that device's (protocol §6: each device has its own), and a
   * history without the other devices' current ones, which are not "earlier" but beside it.
   */
  async certificate(login: string, sessionSerial?: string): Promise<OwnCertificate | undefined> {
    const now = this.d.now();
    const device = sessionSerial === undefined ? undefined : (await deviceResolver(this.d.records, login))(sessionSerial);
    if (!device) {
      const current = await this.d.roster.certificate(login);
      if (!current) return undefined;
      return { current, history: (await this.d.records.forLogin(login)).map((r) => standing(r, now)).reverse() };
    }
    const all = await this.d.records.forLogin(login);
    const beside = new Set(currentAmong(all, login).map((r) => r.serial));
    beside.delete(device.serial);
    return {
      current: { login, der: device.der, ...standing(device, now) },
      history: all.filter((r) => !beside.has(r.serial)).map((r) => standing(r, now)).reverse(),
    };
  }

  /** `token` is the asking session's, marked as the current one in the list. */
  async overview(login: string, token: string): Promise<AccountOverview> {
    return { sessions: await this.d.sessions.list(login, token), activity: await this.d.activity.recent(login), receipts: await this.d.marks.receipts(login) };
  }
}
