// SQLite adapter of the pre-produced OCSP responses (src/pki/prepared-ocsp.ts): one row per
// certificate and CertID form, in the database of the certificate records they answer for, so
// "which are missing or outdated" is one query over both, whichever process wrote the records.
import type { PreparedOcspResponse, PreparedOcspStore } from '../../pki/prepared-ocsp.ts';
import type { RevocationReason } from '../../pki/records.ts';
import { migrate, prepared, transaction, type Db } from './sqlite.ts';
import { countWrites, writeCount } from './read-cache.ts';

const SCHEMA = [
  `CREATE TABLE ocsp_responses (
     serial TEXT NOT NULL REFERENCES certificates (serial) ON DELETE CASCADE,
     cert_id BLOB NOT NULL,
     revoked_at TEXT,
     revocation_reason TEXT,
     this_update TEXT NOT NULL,
     next_update TEXT NOT NULL,
     der BLOB NOT NULL,
     PRIMARY KEY (serial, cert_id)
   );
   CREATE INDEX ocsp_responses_this_update ON ocsp_responses (this_update);`,
];

interface Row {
  serial: string;
  cert_id: Uint8Array;
  revoked_at: string | null;
  revocation_reason: string | null;
  this_update: string;
  next_update: string;
  der: Uint8Array;
}

function fromRow(r: Row): PreparedOcspResponse {
  return {
    serial: r.serial,
    certId: new Uint8Array(r.cert_id),
    ...(r.revoked_at ? { revokedAt: r.revoked_at, revocationReason: (r.revocation_reason ?? 'unspecified') as RevocationReason } : {}),
    thisUpdate: new Date(r.this_update),
    nextUpdate: new Date(r.next_update),
    der: new Uint8Array(r.der),
  };
}

export class SqlitePreparedOcsp implements PreparedOcspStore {
  private readonly db: Db;
  /** The certificate records' table must exist first (src/store/sqlite/certificates.ts): rows refer to it. */
  constructor(db: Db) {
    this.db = db;
    migrate(db, 'ocsp_responses', SCHEMA);
    countWrites(db, 'certificates');
  }

  async get(serial: string, certId: Uint8Array): Promise<PreparedOcspResponse | undefined> {
    const row = prepared(this.db, `SELECT * FROM ocsp_responses WHERE serial = ? AND cert_id = ?`).get(serial, certId) as Row | undefined;
    return row && fromRow(row);
  }

  async forSerial(serial: string): Promise<PreparedOcspResponse[]> {
    return (prepared(this.db, `SELECT * FROM ocsp_responses WHERE serial = ?`).all(serial) as unknown as Row[]).map(fromRow);
  }

  async put(responses: readonly PreparedOcspResponse[]): Promise<void> {
    const upsert = prepared(
      this.db,
      `INSERT INTO ocsp_responses (serial, cert_id, revoked_at, revocation_reason, this_update, next_update, der)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (serial, cert_id) DO UPDATE SET revoked_at = excluded.revoked_at, revocation_reason = excluded.revocation_reason,
         this_update = excluded.this_update, next_update = excluded.next_update, der = excluded.der`,
    );
    // Not awaited to disk (durable()): a response lost to a power cut is signed again on demand.
    transaction(this.db, () => {
      for (const r of responses) {
        upsert.run(r.serial, r.certId, r.revokedAt ?? null, r.revokedAt ? (r.revocationReason ?? 'unspecified') : null, r.thisUpdate.toISOString(), r.nextUpdate.toISOString(), r.der);
      }
    });
  }

  async remove(serial: string): Promise<void> {
    prepared(this.db, `DELETE FROM ocsp_responses WHERE serial = ?`).run(serial);
  }

  async signedBefore(before: Date, limit: number): Promise<PreparedOcspResponse[]> {
    const rows = prepared(this.db, `SELECT * FROM ocsp_responses WHERE this_update < ? ORDER BY this_update LIMIT ?`).all(before.toISOString(), limit);
    return (rows as unknown as Row[]).map(fromRow);
  }

  async outdated(now: Date, limit: number): Promise<string[]> {
    const rows = prepared(
      this.db,
      `SELECT c.serial FROM certificates c
        WHERE c.state = 'issued' AND c.not_after > ?
          AND (NOT EXISTS (SELECT 1 FROM ocsp_responses o WHERE o.serial = c.serial)
               OR EXISTS (SELECT 1 FROM ocsp_responses o WHERE o.serial = c.serial
                           AND (o.revoked_at IS NOT c.revoked_at
                                OR (c.revoked_at IS NOT NULL AND o.revocation_reason IS NOT coalesce(c.revocation_reason, 'unspecified')))))
        LIMIT ?`,
    ).all(now.toISOString(), limit) as { serial: string }[];
    return rows.map((r) => r.serial);
  }

  async recordsMark(): Promise<string> {
    // The counter the records' read cache keeps (src/store/sqlite/read-cache.ts): triggers bump it
    // in the writing transaction, whichever process writes. Without it, every pass looks.
    return String(writeCount(this.db, 'certificates') ?? `unknown ${performance.now()}`);
  }
}
