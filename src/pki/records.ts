// The CA's memory of what it issued and revoked: a port, implemented over SQLite and PostgreSQL
// in src/store. Every method answers a promise: a database across the network cannot answer at once.
export type RevocationReason = 'unspecified' | 'keyCompromise' | 'superseded' | 'cessationOfOperation' | 'privilegeWithdrawn' | 'affiliationChanged';

export interface CertificateRecord {
  serial: string;
  login: string;
  fingerprint: string;
  der: Uint8Array;
  notBefore: string;
  notAfter: string;
  issuedAt: string;
  /** `pending` while a registration is between signing and its directory entry (see Directory.register). */
  state: 'pending' | 'issued';
  revokedAt?: string;
  revocationReason?: RevocationReason;
  /**
   * The certified key's hash (src/pki/x509.ts keyHash). Every record staged has one; a record
   * read back lacks it only when its certificate could not be read, or when the same key had been
   * certified before this rule (the first certificate of that key keeps the hash).
   */
  keyHash?: string;
  /**
   * The device this certificate is for (protocol §6), 1 to 64 characters. Records from before
   * devices have none: their holder's only device.
   */
  deviceName?: string;
  /**
   * The certificates this one replaces (a renewal: the device's previous one; a recovery: every
   * current one), revoked as superseded once it is issued. Kept on the record so that a crash
   * between the issue and the revocations is finished at the next start (Lifecycle.reconcile).
   */
  supersedes?: string[];
}

/** A record as it is staged: always with the hash of the key it certifies. */
export type StagedRecord = CertificateRecord & { keyHash: string };

/** Thrown by `stage` when the record's key is already in a certificate this CA issued or staged. */
export class KeyAlreadyCertified extends Error {
  constructor() {
    super('This key is already in a certificate this CA issued.');
    this.name = 'KeyAlreadyCertified';
  }
}

export interface CertificateRecords {
  /**
   * Records a freshly signed certificate as pending. Throws KeyAlreadyCertified, recording
   * nothing, when another record (pending, issued or revoked) holds the same key: one key, one
   * certificate, even for two requests racing each other.
   */
  stage(record: StagedRecord): Promise<void>;
  /** Whether any certificate this CA issued or is issuing, to anyone, revoked or not, certifies this key. */
  isKeyCertified(keyHash: string): Promise<boolean>;
  /** Marks a pending certificate as issued. */
  confirm(serial: string): Promise<void>;
  /** Forgets a pending certificate whose registration failed. */
  discard(serial: string): Promise<void>;
  get(serial: string): Promise<CertificateRecord | undefined>;
  byFingerprint(fingerprint: string): Promise<CertificateRecord | undefined>;
  forLogin(login: string): Promise<CertificateRecord[]>;
  pending(): Promise<CertificateRecord[]>;
  all(): Promise<CertificateRecord[]>;
  revoke(serial: string, reason: RevocationReason, at: string): Promise<boolean>;
  revoked(): Promise<CertificateRecord[]>;
  /**
   * A cheap value that changes whenever a certificate is revoked, by this process or another one
   * sharing the database (the admin command line): publishers key their cached CRL on it.
   */
  revocationMark(): Promise<string>;
}
