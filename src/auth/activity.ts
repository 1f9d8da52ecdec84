// A person's security activity: logins and refused logins under their name, password changes,
// certificate renewals, revocations and recoveries, new devices linked or refused — what a careful
// user checks to notice that someone else is trying their account. Kept per login, newest first,
// the last ACTIVITY_KEPT only.
import type { ActivityEntry, ActivityKind } from '../protocol/account.ts';

export const ACTIVITY_KEPT = 200;

/** Where a request came from, as the server saw it. */
export interface ActivityOrigin {
  address?: string;
  userAgent?: string;
}

export interface ActivityStore {
  add(login: string, entry: ActivityEntry, keep: number): Promise<void>;
  recent(login: string, limit: number): Promise<ActivityEntry[]>;
}

export interface ActivityDeps {
  store: ActivityStore;
  /** Whether a login names someone registered (for requests that named a login nobody proved). */
  exists: (login: string) => Promise<boolean>;
  now: () => Date;
  /** Recording never fails the action it records: a failure is reported here instead. */
  onError: (err: unknown) => void;
}

type Detail = Pick<ActivityEntry, 'reason' | 'serial' | 'by' | 'deviceName'>;

export class Activity {
  private readonly d: ActivityDeps;

  constructor(deps: ActivityDeps) {
    this.d = deps;
  }

  /** Resolves once written (or once the failure is reported): it never rejects. */
  record(login: string, kind: ActivityKind, detail: Detail = {}, origin: ActivityOrigin = {}): Promise<void> {
    return this.add(login, this.entry(kind, detail, origin));
  }

  /**
   * For a refused login, where the login is only a claim: recorded if it names someone, and only
   * after the refusal has been answered, so that looking the login up adds nothing to the answer's
   * time (which must not tell a known login from an unknown one).
   */
  recordIfKnown(login: string, kind: ActivityKind, detail: Detail, origin: ActivityOrigin): void {
    const entry = this.entry(kind, detail, origin);
    setImmediate(() => {
      this.d.exists(login).then((known) => (known ? this.add(login, entry) : undefined), this.d.onError);
    });
  }

  private entry(kind: ActivityKind, detail: Detail, origin: ActivityOrigin): ActivityEntry {
    return {
      at: this.d.now().toISOString(),
      kind,
      ...detail,
      ...(origin.address ? { address: origin.address } : {}),
      ...(origin.userAgent ? { userAgent: origin.userAgent.slice(0, 256) } : {}),
    };
  }

  private async add(login: string, entry: ActivityEntry): Promise<void> {
    try {
      await this.d.store.add(login, entry, ACTIVITY_KEPT);
    } catch (err) {
      this.d.onError(err);
    }
  }

  recent(login: string, limit = 50): Promise<ActivityEntry[]> {
    return this.d.store.recent(login, limit);
  }
}
