// SQLite adapter of the CA's certificate records (src/pki/records.ts).
import type { CertificateRecord, CertificateRecords, RevocationReason } from '../pki/records.ts';
import { migrate, prepared, type Db } from './sqlite.ts';
import { ReadCache } from './read-cache.ts';

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

interface Row {
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
}

function fromRow(r: Row): CertificateRecord {
  return {
    serial: r.serial,
    login: r.login,
    fingerprint: r.fingerprint,
    der: new Uint8Array(r.der),
    notBefore: r.not_before,
    notAfter: r.not_after,
    issuedAt: r.issued_at,
    state: r.state,
    ...(r.revoked_at ? { revokedAt: r.revoked_at, revocationReason: (r.revocation_reason ?? 'unspecified') as RevocationReason } : {}),
  };
}

export class SqliteCertificateRecords implements CertificateRecords {
  private readonly db: Db;
  /** By serial: every authenticated request and every message checks its certificate's record. */
  private readonly cache: ReadCache<CertificateRecord>;
  constructor(db: Db) {
    this.db = db;
    migrate(db, 'certificates', SCHEMA);
    this.cache = new ReadCache(db, 'certificates');
    // Its own schema name, so it never collides with steps added to SCHEMA above.
    migrate(db, 'certificates_revoked_index', [
      `CREATE INDEX certificates_revoked ON certificates (revoked_at) WHERE revoked_at IS NOT NULL;`,
    ]);
  }

  stage(c: CertificateRecord): void {
    prepared(
      this.db,
      `INSERT INTO certificates (serial, login, fingerprint, der, not_before, not_after, issued_at, state)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
    ).run(c.serial, c.login, c.fingerprint, c.der, c.notBefore, c.notAfter, c.issuedAt);
    this.cache.changed();
  }

  confirm(serial: string): void {
    prepared(this.db, `UPDATE certificates SET state = 'issued' WHERE serial = ? AND state = 'pending'`).run(serial);
    this.cache.changed();
  }

  discard(serial: string): void {
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

  get(serial: string) {
    return this.cache.get(serial, () => this.one(`SELECT * FROM certificates WHERE serial = ?`, serial));
  }
  byFingerprint(fingerprint: string) {
    return this.one(`SELECT * FROM certificates WHERE fingerprint = ?`, fingerprint);
  }
  forLogin(login: string) {
    return this.many(`SELECT * FROM certificates WHERE login = ? AND state = 'issued' ORDER BY issued_at`, login);
  }
  pending() {
    return this.many(`SELECT * FROM certificates WHERE state = 'pending'`);
  }
  all() {
    return this.many(`SELECT * FROM certificates WHERE state = 'issued' ORDER BY issued_at`);
  }
  revoked() {
    return this.many(`SELECT * FROM certificates WHERE revoked_at IS NOT NULL ORDER BY revoked_at`);
  }

  revocationMark(): string {
    const r = prepared(this.db, `SELECT count(*) AS n, max(revoked_at) AS latest FROM certificates WHERE revoked_at IS NOT NULL`).get() as { n: number; latest: string | null };
    return `${r.n}/${r.latest ?? ''}`;
  }

  revoke(serial: string, reason: RevocationReason, at: string): boolean {
    const r = prepared(
      this.db,
      `UPDATE certificates SET revoked_at = ?, revocation_reason = ? WHERE serial = ? AND state = 'issued' AND revoked_at IS NULL`,
    ).run(at, reason, serial);
    this.cache.changed();
    return Number(r.changes) === 1;
  }
}
