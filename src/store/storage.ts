// Every storage port the core needs, opened together from one place: the data directory's SQLite
// (the default) or PostgreSQL (--database-url, protocol §9). The core builds its services on this
// and never learns which one it got.
import type { CertificateRecords } from '../pki/records.ts';
import type { CaState } from '../pki/ca-state.ts';
import type { PreparedOcspStore } from '../pki/prepared-ocsp.ts';
import type { Directory } from '../directory/directory.ts';
import type { SessionStore } from '../auth/sessions.ts';
import type { RecoveryCodeStore } from '../auth/recovery-codes.ts';
import type { LinkRequestStore } from '../auth/link-requests.ts';
import type { ActivityStore } from '../auth/activity.ts';
import type { LastSeenStore } from '../chat/presence.ts';
import type { MessageStore } from '../chat/messages.ts';
import type { ReadMarkStore } from '../chat/read-marks.ts';
import type { GroupStore } from '../chat/groups.ts';
import type { AttachmentRecords } from '../chat/attachments.ts';
import type { SettingsStore } from '../directory/settings.ts';

export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  records: CertificateRecords;
  caState: CaState;
  preparedOcsp: PreparedOcspStore;
  /** The embedded directory in the same database (unused with --ldap-url). */
  directory: Directory;
  sessions: SessionStore;
  recoveryCodes: RecoveryCodeStore;
  /** Requests to link a new device (protocol §6). */
  linkRequests: LinkRequestStore;
  activity: ActivityStore;
  lastSeen: LastSeenStore;
  messages: MessageStore;
  readMarks: ReadMarkStore;
  /** Group conversations (protocol §7): members, epochs, history. */
  groups: GroupStore;
  /** Who uploaded which attachment and which messages list it (protocol §8); the bodies are files. */
  attachments: AttachmentRecords;
  /** Each person's own settings (their interface language), whatever the directory. */
  settings: SettingsStore;
  /**
   * Calls `fn` soon after sessions were deleted, by whichever process (another instance, the admin
   * command line), where the store can tell; the streams' periodic sweep catches the rest.
   */
  onSessionsEnded?(fn: () => void): void;
  /** Whether an error thrown by a port means the database cannot be reached right now. */
  isUnavailable(err: unknown): boolean;
  /** Resolves once every write committed so far would survive a power cut. */
  durable(): Promise<void>;
  close(): Promise<void>;
}
