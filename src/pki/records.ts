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
}

export interface CertificateRecords {
  /** Records a freshly signed certificate as pending. */
  stage(record: CertificateRecord): void;
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
