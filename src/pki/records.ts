// The CA's memory of what it issued and revoked: a port, implemented over SQLite in src/store.
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
  stage(record: StagedRecord): void;
  /** Whether any certificate this CA issued or is issuing, to anyone, revoked or not, certifies this key. */
  isKeyCertified(keyHash: string): boolean;
  /** Marks a pending certificate as issued. */
  confirm(serial: string): void;
  /** Forgets a pending certificate whose registration failed. */
  discard(serial: string): void;
  get(serial: string): CertificateRecord | undefined;
  byFingerprint(fingerprint: string): CertificateRecord | undefined;
  forLogin(login: string): CertificateRecord[];
  pending(): CertificateRecord[];
  all(): CertificateRecord[];
  revoke(serial: string, reason: RevocationReason, at: string): boolean;
  revoked(): CertificateRecord[];
  /**
   * A cheap value that changes whenever a certificate is revoked, by this process or another one
   * sharing the database (the admin command line): publishers key their cached CRL on it.
   */
  revocationMark(): string;
}
