// Pre-produced OCSP responses (RFC 6960 §2.5, RFC 5019 §2.2): each issued certificate's signed
// answer, kept beside the certificate records, so that whichever process or instance is asked
// serves the stored bytes instead of signing. A port: the SQLite adapter is
// src/store/sqlite/ocsp-responses.ts; a PostgreSQL one comes next, hence every method is async.
import type { RevocationReason } from './records.ts';

export interface PreparedOcspResponse {
  serial: string;
  /**
   * The CertID it answers, DER, in the form clients ask it (hash algorithm, parameters NULL or
   * absent): the response must echo it. The SHA-1 form is produced ahead; the other forms a
   * client has asked for (at most eight per certificate) are kept once asked.
   */
  certId: Uint8Array;
  /** The revocation it attests, as the record had it when signed; absent: it says good. */
  revokedAt?: string;
  revocationReason?: RevocationReason;
  /** thisUpdate, which is also producedAt. */
  thisUpdate: Date;
  nextUpdate: Date;
  /** The whole OCSPResponse, as served. */
  der: Uint8Array;
}

export interface PreparedOcspStore {
  get(serial: string, certId: Uint8Array): Promise<PreparedOcspResponse | undefined>;
  /** Every form kept for one certificate. */
  forSerial(serial: string): Promise<PreparedOcspResponse[]>;
  /** Stores each, replacing the one kept for the same serial and CertID; all or none. */
  put(responses: readonly PreparedOcspResponse[]): Promise<void>;
  /** Forgets every form kept for a certificate (it expired, or is no longer issued). */
  remove(serial: string): Promise<void>;
  /** Responses signed before `before`, oldest first: those to sign again. */
  signedBefore(before: Date, limit: number): Promise<PreparedOcspResponse[]>;
  /**
   * Up to `limit` serials whose record became issued, or whose revocation changed, since they were
   * last handed out — whichever process wrote the record (the admin command line revokes too) —
   * oldest change first, each removed as it is handed out: their responses are to be produced. Records issued before
   * this store first opened are handed out once too. Asking costs the same whatever the number of
   * records: the adapter keeps the changes as they are written, not by comparing everything.
   */
  takeChanged(limit: number): Promise<string[]>;
  /** Hands serials out again: producing their responses failed. */
  markChanged(serials: readonly string[]): Promise<void>;
}
