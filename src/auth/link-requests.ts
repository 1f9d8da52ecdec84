// Requests to link a new device (protocol §6): the new device asks with the password and a CSR,
// and a device already logged in approves by typing the 6-digit code the new one shows. The server
// keeps the code and the new device's secret only as SHA-256 hashes, like recovery codes: a copy of
// the database lets nobody approve a request or collect its certificate.
//
// A request moves pending → approving → approved, or ends refused, failed (five wrong codes) or
// expired (10 minutes). `claim` is the one step that lets a single approver issue: two devices
// typing the code at once, on two instances, cannot both issue a certificate.

export const LINK_TTL_MS = 10 * 60_000;
export const LINK_MAX_WRONG_CODES = 5;

export type LinkState = 'pending' | 'approving' | 'approved' | 'refused' | 'failed';

export interface LinkRequest {
  /** UUIDv4, lowercase: the `request` of the protocol. */
  id: string;
  login: string;
  deviceName: string;
  /** The new device's CSR (PEM), checked when the request was made and signed at approval. */
  csr: string;
  /** Hex SHA-256 of the CSR's SubjectPublicKeyInfo, shown on both devices to compare. */
  keyFingerprint: string;
  /** Where the request came from, shown in the prompt on the other devices. */
  address: string;
  userAgent: string;
  /** SHA-256 (hex) of the 6-digit code. */
  codeHash: string;
  /** SHA-256 (hex) of the new device's secret. */
  secretHash: string;
  createdAt: string;
  expiresAt: string;
  wrongCodes: number;
  state: LinkState;
  /** Once approved: the certificate's serial and the §2 answer (JSON) the new device collects. */
  serial?: string;
  answer?: string;
}

export interface LinkRequestStore {
  create(r: LinkRequest): Promise<void>;
  get(id: string): Promise<LinkRequest | undefined>;
  /** The login's requests still pending and not expired at `now`, oldest first (equal times: as created). */
  pending(login: string, now: string): Promise<LinkRequest[]>;
  /**
   * Counts one wrong code on a pending, unexpired request and answers the new count; at `max` the
   * request becomes `failed` in the same step. Undefined when the request is not pending (or expired).
   */
  wrongCode(id: string, max: number, now: string): Promise<number | undefined>;
  /** pending and unexpired → approving, for one caller only; false for every other. */
  claim(id: string, now: string): Promise<boolean>;
  /** approving → pending again: issuing failed, the request may be approved later. Nothing otherwise. */
  release(id: string): Promise<void>;
  /** approving → approved, with what the new device collects. Nothing when it is not approving. */
  approve(id: string, serial: string, answer: string): Promise<void>;
  /** pending → refused; false when it was not pending. An expired one may still be refused (no clock here). */
  refuse(id: string): Promise<boolean>;
  /**
   * Forgets requests whose expiresAt is strictly before `before`, whatever their state (kept a while
   * so the new device hears `410`), and answers how many.
   */
  deleteExpired(before: string): Promise<number>;
}
