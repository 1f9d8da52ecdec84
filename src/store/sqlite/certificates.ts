// SQLite adapter of the CA's certificate records (src/pki/records.ts).
import { KeyAlreadyCertified, type CertificateRecord, type CertificateRecords, type RevocationReason, type StagedRecord } from '../../pki/records.ts';
import { certificateKeyHash } from '../../pki/x509.ts';
import { migrate, prepared, type Db } from './sqlite.ts';
import { ReadCache } from './read-cache.ts';
import { certificateOf as fromRow, supersedesColumn, type CertificateRow as Row } from '../rows.ts';

const SCHEMA = [
  `CREATE TABLE certificates (
     serial TEXT PRIMARY KEY,
     login TEXT NOT NULL,
     fingerprint TEXT NOT NULL UNIQUE,
     der BLOB NOT NULL,
     not_before TEXT NOT NULL,
     not_after TEXT NOT NULL,
     issued_at TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'issued')),
     revoked_at TEXT,
     revocation_reason TEXT
   );
   CREATE INDEX certificates_login ON certificates (login);`,
];

export class SqliteCertificateRecords implements CertificateRecords {
  private readonly db: Db;
  /** By serial: every authenticated request and every message checks its certificate's record. */
  private readonly cache: ReadCache<CertificateRecord>;
  /**
   * By login: every message asks for both people's current certificates (protocol §7). It follows
   * the same write counter as `cache`, so `cache.changed()` serves both.
   */
  private readonly byLogin: ReadCache<CertificateRecord[]>;
  constructor(db: Db) {
    this.db = db;
    migrate(db, 'certificates', SCHEMA);
    this.cache = new ReadCache(db, 'certificates');
    this.byLogin = new ReadCache(db, 'certificates');
    // Its own schema name, so it never collides with steps added to SCHEMA above.
    migrate(db, 'certificates_revoked_index', [
      `CREATE INDEX certificates_revoked ON certificates (revoked_at) WHERE revoked_at IS NOT NULL;`,
    ]);
    // The hash of each certified key, so that "was this key ever certified?" is one indexed look-up
    // and two records can never hold the same key. Rows from before are filled from their DER; a
    // key certified more than once back then keeps its hash on its first certificate only, which
    // is all the question needs (and what lets the index be UNIQUE).
    db.function('tekup_certificate_key_hash', { deterministic: true }, (der) => (der instanceof Uint8Array ? (certificateKeyHash(der) ?? null) : null));
    migrate(db, 'certificates_key_hash', [
      `ALTER TABLE certificates ADD COLUMN key_hash TEXT;
       UPDATE certificates SET key_hash = tekup_certificate_key_hash(der);
       UPDATE certificates SET key_hash = NULL
        WHERE key_hash IS NOT NULL AND rowid NOT IN (SELECT min(rowid) FROM certificates WHERE key_hash IS NOT NULL GROUP BY key_hash);
       CREATE UNIQUE INDEX certificates_key_hash ON certificates (key_hash) WHERE key_hash IS NOT NULL;`,
    ]);
    // Devices (protocol §6): each certificate's device name, and what a renewal or recovery replaces.
    migrate(db, 'certificates_devices', [
      `ALTER TABLE certificates ADD COLUMN device_name TEXT;
       ALTER TABLE certificates ADD COLUMN supersedes TEXT;`,
    ]);
  }

  async stage(c: StagedRecord): Promise<void> {
    try {
      prepared(
        this.db,
        `INSERT INTO certificates (serial, login, fingerprint, der, not_before, not_after, issued_at, state, key_hash, device_name, supersedes)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      ).run(c.serial, c.login, c.fingerprint, c.der, c.notBefore, c.notAfter, c.issuedAt, c.keyHash, c.deviceName ?? null, supersedesColumn(c));
    } catch (err) {
      if (/UNIQUE constraint failed: certificates\.key_hash/.test((err as Error).message)) throw new KeyAlreadyCertified();
      throw err;
    }
    this.cache.changed();
  }

  async isKeyCertified(keyHash: string): Promise<boolean> {
    return prepared(this.db, `SELECT 1 FROM certificates WHERE key_hash = ?`).get(keyHash) !== undefined;
  }

  async confirm(serial: string): Promise<void> {
    prepared(this.db, `UPDATE certificates SET state = 'issued' WHERE serial = ? AND state = 'pending'`).run(serial);
    this.cache.changed();
  }

  async discard(serial: string): Promise<void> {
    prepared(this.db, `DELETE FROM certificates WHERE serial = ? AND state = 'pending'`).run(serial);
    this.cache.changed();
  }

  private one(sql: string, ...args: string[]): CertificateRecord | undefined {
    const row = prepared(this.db, sql).get(...args) as Row | undefined;
    return row && fromRow(row);
  }

  private many(sql: string, ...args: string[]): CertificateRecord[] {
    return (prepared(this.db, sql).all(...args) as unknown as Row[]).map(fromRow);
  }

  async get(serial: string) {
    return this.cache.get(serial, () => this.one(`SELECT * FROM certificates WHERE serial = ?`, serial));
  }
  async byFingerprint(fingerprint: string) {
    return this.one(`SELECT * FROM certificates WHERE fingerprint = ?`, fingerprint);
  }
  async forLogin(login: string) {
    return this.byLogin.get(login, () => this.many(`SELECT * FROM certificates WHERE login = ? AND state = 'issued' ORDER BY issued_at`, login)) ?? [];
  }
  async pending() {
    return this.many(`SELECT * FROM certificates WHERE state = 'pending'`);
  }
  async all() {
    return this.many(`SELECT * FROM certificates WHERE state = 'issued' ORDER BY issued_at`);
  }
  async revoked() {
    return this.many(`SELECT * FROM certificates WHERE revoked_at IS NOT NULL ORDER BY revoked_at`);
  }

  async revocationMark(): Promise<string> {
    const r = prepared(this.db, `SELECT count(*) AS n, max(revoked_at) AS latest FROM certificates WHERE revoked_at IS NOT NULL`).get() as { n: number; latest: string | null };
    return `${r.n}/${r.latest ?? ''}`;
  }

  async revoke(serial: string, reason: RevocationReason, at: string): Promise<boolean> {
    const r = prepared(
      this.db,
      `UPDATE certificates SET revoked_at = ?, revocation_reason = ? WHERE serial = ? AND state = 'issued' AND revoked_at IS NULL`,
    ).run(at, reason, serial);
    this.cache.changed();
    return Number(r.changes) === 1;
  }
}
