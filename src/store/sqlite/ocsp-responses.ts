// SQLite adapter of the pre-produced OCSP responses (src/pki/prepared-ocsp.ts): one row per
// certificate and CertID form, in the database of the certificate records they answer for.
// Which records changed is kept by triggers on the records' table, in the writing transaction,
// whichever process writes (the admin command line too): finding them by comparing every record
// with its responses took 0.5 s of event loop at 100,000 certificates, on every enrollment.
import type { PreparedOcspResponse, PreparedOcspStore } from '../../pki/prepared-ocsp.ts';
import type { RevocationReason } from '../../pki/records.ts';
import { migrate, prepared, transaction, type Db } from './sqlite.ts';
import { ocspResponseOf as fromRow, type OcspResponseRow as Row } from '../rows.ts';

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
  // The records whose responses are to be produced: issued (inserted so, or confirmed), or with a
  // revocation written or changed. Those already issued are queued once, here.
  `CREATE TABLE ocsp_changes (serial TEXT PRIMARY KEY);
   CREATE TRIGGER certificates_ocsp_inserted AFTER INSERT ON certificates WHEN NEW.state = 'issued'
   BEGIN INSERT OR IGNORE INTO ocsp_changes (serial) VALUES (NEW.serial); END;
   CREATE TRIGGER certificates_ocsp_issued AFTER UPDATE OF state ON certificates
   WHEN NEW.state = 'issued' AND OLD.state IS NOT 'issued'
   BEGIN INSERT OR IGNORE INTO ocsp_changes (serial) VALUES (NEW.serial); END;
   CREATE TRIGGER certificates_ocsp_revoked AFTER UPDATE OF revoked_at, revocation_reason ON certificates
   WHEN NEW.state = 'issued' AND (NEW.revoked_at IS NOT OLD.revoked_at OR NEW.revocation_reason IS NOT OLD.revocation_reason)
   BEGIN INSERT OR IGNORE INTO ocsp_changes (serial) VALUES (NEW.serial); END;
   INSERT OR IGNORE INTO ocsp_changes (serial) SELECT serial FROM certificates WHERE state = 'issued' ORDER BY issued_at;`,
];

export class SqlitePreparedOcsp implements PreparedOcspStore {
  private readonly db: Db;
  /** The certificate records' table must exist first (src/store/sqlite/certificates.ts): rows and triggers refer to it. */
  constructor(db: Db) {
    this.db = db;
    migrate(db, 'ocsp_responses', SCHEMA);
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

  async takeChanged(limit: number): Promise<string[]> {
    // Read first: the refresher asks every second, and a DELETE would take the write lock each time.
    const rows = prepared(this.db, `SELECT serial FROM ocsp_changes ORDER BY rowid LIMIT ?`).all(limit) as { serial: string }[];
    if (rows.length === 0) return [];
    // A change committed since the SELECT is seen by the caller, which reads the record after this;
    // one committed after that read queues the serial again.
    const done = prepared(this.db, `DELETE FROM ocsp_changes WHERE serial = ?`);
    transaction(this.db, () => {
      for (const r of rows) done.run(r.serial);
    });
    return rows.map((r) => r.serial);
  }

  async markChanged(serials: readonly string[]): Promise<void> {
    const queue = prepared(this.db, `INSERT OR IGNORE INTO ocsp_changes (serial) VALUES (?)`);
    transaction(this.db, () => {
      for (const serial of serials) queue.run(serial);
    });
  }
}
