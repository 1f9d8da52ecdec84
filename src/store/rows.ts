// Rows as both SQL adapters store them — the same columns and value formats in SQLite and
// PostgreSQL (src/store/postgres/schema.ts) — and the records the ports hand out, made one way.
import type { CertificateRecord, RevocationReason } from '../pki/records.ts';
import type { DirectoryUser } from '../directory/directory.ts';
import type { SessionRecord } from '../auth/sessions.ts';
import type { PreparedOcspResponse } from '../pki/prepared-ocsp.ts';
import type { LinkRequest, LinkState } from '../auth/link-requests.ts';
import type { AnyEnvelope, StoredMessage } from '../chat/messages.ts';
import type { Group, GroupChange, GroupMember, GroupRole } from '../protocol/groups.ts';

export interface CertificateRow {
  serial: string;
  login: string;
  fingerprint: string;
  der: Uint8Array;
  not_before: string;
  not_after: string;
  issued_at: string;
  state: 'pending' | 'issued';
  revoked_at: string | null;
  revocation_reason: string | null;
  key_hash: string | null;
  device_name: string | null;
  /** Serials separated by spaces (hex serials hold none). */
  supersedes: string | null;
}

export function certificateOf(r: CertificateRow): CertificateRecord {
  return {
    serial: r.serial,
    login: r.login,
    fingerprint: r.fingerprint,
    // A plain Uint8Array whatever the driver hands out (postgres.js a Buffer): callers compare bytes.
    der: new Uint8Array(r.der),
    notBefore: r.not_before,
    notAfter: r.not_after,
    issuedAt: r.issued_at,
    state: r.state,
    ...(r.revoked_at ? { revokedAt: r.revoked_at, revocationReason: (r.revocation_reason ?? 'unspecified') as RevocationReason } : {}),
    ...(r.key_hash ? { keyHash: r.key_hash } : {}),
    ...(r.device_name ? { deviceName: r.device_name } : {}),
    ...(r.supersedes ? { supersedes: r.supersedes.split(' ') } : {}),
  };
}

/** The supersedes column's value for a record. */
export const supersedesColumn = (r: { supersedes?: string[] }): string | null => (r.supersedes?.length ? r.supersedes.join(' ') : null);

export interface UserRow {
  login: string;
  card_number: string;
  first_name: string;
  last_name: string;
  email: string;
  password_hash: string;
  certificate: Uint8Array;
  created_at: string;
}

export const userOf = (r: UserRow): DirectoryUser => ({
  login: r.login,
  cardNumber: r.card_number,
  firstName: r.first_name,
  lastName: r.last_name,
  email: r.email,
  passwordHash: r.password_hash,
  certificate: new Uint8Array(r.certificate),
  createdAt: r.created_at,
});

export interface SessionRow {
  token_hash: string;
  login: string;
  cert_serial: string;
  created_at: string;
  expires_at: string;
  user_agent: string | null;
}

export const sessionOf = (r: SessionRow): SessionRecord => ({
  tokenHash: r.token_hash,
  login: r.login,
  certSerial: r.cert_serial,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  ...(r.user_agent ? { userAgent: r.user_agent } : {}),
});

export interface OcspResponseRow {
  serial: string;
  cert_id: Uint8Array;
  revoked_at: string | null;
  revocation_reason: string | null;
  this_update: string;
  next_update: string;
  der: Uint8Array;
}

export function ocspResponseOf(r: OcspResponseRow): PreparedOcspResponse {
  return {
    serial: r.serial,
    certId: new Uint8Array(r.cert_id),
    ...(r.revoked_at ? { revokedAt: r.revoked_at, revocationReason: (r.revocation_reason ?? 'unspecified') as RevocationReason } : {}),
    thisUpdate: new Date(r.this_update),
    nextUpdate: new Date(r.next_update),
    der: new Uint8Array(r.der),
  };
}

export interface LinkRequestRow {
  id: string;
  login: string;
  device_name: string;
  csr: string;
  key_fingerprint: string;
  address: string;
  user_agent: string;
  code_hash: string;
  secret_hash: string;
  created_at: string;
  expires_at: string;
  /** SQLite may hand out a bigint; PostgreSQL an int. */
  wrong_codes: number | bigint;
  state: LinkState;
  serial: string | null;
  answer: string | null;
}

export function linkRequestOf(r: LinkRequestRow): LinkRequest {
  return {
    id: r.id,
    login: r.login,
    deviceName: r.device_name,
    csr: r.csr,
    keyFingerprint: r.key_fingerprint,
    address: r.address,
    userAgent: r.user_agent,
    codeHash: r.code_hash,
    secretHash: r.secret_hash,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    wrongCodes: Number(r.wrong_codes),
    state: r.state,
    ...(r.serial !== null ? { serial: r.serial } : {}),
    ...(r.answer !== null ? { answer: r.answer } : {}),
  };
}

/**
 * A message row: the envelope parsed only when someone looks at it. A stream writes `json` as is,
 * so delivering a group message to every member's stream never parses its wrapped keys at all.
 */
export function storedMessage(seq: number, receivedAt: string, json: string): StoredMessage {
  let parsed: AnyEnvelope | undefined;
  const m = {
    seq,
    receivedAt,
    get envelope(): AnyEnvelope {
      return (parsed ??= JSON.parse(json) as AnyEnvelope);
    },
  };
  // Not enumerable: the message compares, and serialises (the event relay), as one holding only its envelope.
  return Object.defineProperty(m, 'json', { value: json, enumerable: false });
}

export interface GroupRow {
  id: string;
  name: string;
  epoch: number;
  created_at: string;
}
export interface MemberRow {
  group_id: string;
  login: string;
  role: GroupRole;
  since: string;
}

export const memberOf = (r: MemberRow): GroupMember => ({ login: r.login, role: r.role, since: r.since });
export const groupOf = (g: GroupRow, members: MemberRow[]): Group => ({
  id: g.id,
  name: g.name,
  epoch: Number(g.epoch),
  createdAt: g.created_at,
  members: members.map(memberOf),
});

/** The change as history keeps it: the wire fields only, none undefined (JSON drops them). */
export const historyText = (c: GroupChange): string =>
  JSON.stringify({ op: c.op, login: c.login, name: c.name, members: c.members, by: c.by, at: c.at });
