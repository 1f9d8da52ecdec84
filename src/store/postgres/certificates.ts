// PostgreSQL adapter of the CA's certificate records (src/pki/records.ts), over the table of
// schema.ts migration 2; it answers as src/store/sqlite/certificates.ts does.
//
// Several instances write these rows (and the admin command line), and a revocation must be seen
// by every instance at its next request: a record read by serial is kept only while PostgreSQL's
// announcements are followed (row-cache.ts), and forgotten as its change is announced.
import { KeyAlreadyCertified, type CertificateRecord, type CertificateRecords, type RevocationReason, type StagedRecord } from '../../pki/records.ts';
import type { Sql } from './connect.ts';
import { CONSTRAINTS } from './schema.ts';
import { certificateOf as fromRow, supersedesColumn, type CertificateRow as Row } from '../rows.ts';
import { RowCache } from './row-cache.ts';
import type { RowChanges } from './row-changes.ts';

/** The constraint a statement violated when it failed on a UNIQUE one (SQLSTATE 23505). */
function uniqueViolated(err: unknown): string | undefined {
  const e = err as { code?: string; constraint_name?: string };
  return e?.code === '23505' ? e.constraint_name : undefined;
}

export class PostgresCertificateRecords implements CertificateRecords {
  private readonly sql: Sql;
  private readonly cache: RowCache<CertificateRecord> | undefined;
  /** A login's issued records: every message asks for both people's current certificates (protocol §7). */
  private readonly byLogin: RowCache<CertificateRecord[]> | undefined;
  /**
   * The pool is the caller's (openPostgres), already migrated; closing it is the caller's too.
   * Without `changes` every read goes to the database.
   */
  constructor(sql: Sql, changes?: RowChanges) {
    this.sql = sql;
    this.cache = changes && new RowCache(changes, 'certificates');
    this.byLogin = changes && new RowCache(changes, 'certificates', 'table');
  }

  async stage(c: StagedRecord): Promise<void> {
    try {
      await this.sql`
        INSERT INTO certificates (serial, login, fingerprint, der, not_before, not_after, issued_at, state, key_hash, device_name, supersedes)
        VALUES (${c.serial}, ${c.login}, ${c.fingerprint}, ${c.der}, ${c.notBefore}, ${c.notAfter}, ${c.issuedAt}, 'pending', ${c.keyHash},
                ${c.deviceName ?? null}, ${supersedesColumn(c)})`;
      this.forget(c.serial);
    } catch (err) {
      // The UNIQUE constraint decides between two requests racing with one key, on any instance:
      // the second INSERT waits for the first to commit, then fails here.
      if (uniqueViolated(err) === CONSTRAINTS.certificateKeyHash) throw new KeyAlreadyCertified();
      throw err;
    }
  }

  /** This process's own write: neither cache may answer with the row as it was. */
  private forget(serial: string): void {
    this.cache?.forget(serial);
    this.byLogin?.forgetAll();
  }

  async isKeyCertified(keyHash: string): Promise<boolean> {
    return (await this.sql`SELECT 1 FROM certificates WHERE key_hash = ${keyHash}`).length > 0;
  }

  async confirm(serial: string): Promise<void> {
    await this.sql`UPDATE certificates SET state = 'issued' WHERE serial = ${serial} AND state = 'pending'`;
    this.forget(serial);
  }

  async discard(serial: string): Promise<void> {
    await this.sql`DELETE FROM certificates WHERE serial = ${serial} AND state = 'pending'`;
    this.forget(serial);
  }

  async get(serial: string): Promise<CertificateRecord | undefined> {
    const load = async () => {
      const [row] = await this.sql<Row[]>`SELECT * FROM certificates WHERE serial = ${serial}`;
      return row && fromRow(row);
    };
    return this.cache ? this.cache.get(serial, load) : load();
  }

  async byFingerprint(fingerprint: string): Promise<CertificateRecord | undefined> {
    const [row] = await this.sql<Row[]>`SELECT * FROM certificates WHERE fingerprint = ${fingerprint}`;
    return row && fromRow(row);
  }

  // The serial breaks ties between equal times, so a list reads the same on every call and instance.
  async forLogin(login: string): Promise<CertificateRecord[]> {
    const load = async () => (await this.sql<Row[]>`SELECT * FROM certificates WHERE login = ${login} AND state = 'issued' ORDER BY issued_at, serial`).map(fromRow);
    return (await (this.byLogin ? this.byLogin.get(login, load) : load())) ?? [];
  }

  async pending(): Promise<CertificateRecord[]> {
    return (await this.sql<Row[]>`SELECT * FROM certificates WHERE state = 'pending'`).map(fromRow);
  }

  async all(): Promise<CertificateRecord[]> {
    return (await this.sql<Row[]>`SELECT * FROM certificates WHERE state = 'issued' ORDER BY issued_at, serial`).map(fromRow);
  }

  async revoked(): Promise<CertificateRecord[]> {
    return (await this.sql<Row[]>`SELECT * FROM certificates WHERE revoked_at IS NOT NULL ORDER BY revoked_at, serial`).map(fromRow);
  }

  async revocationMark(): Promise<string> {
    // As on SQLite: revocations are never undone and revoked rows never deleted (discard takes
    // pending ones only), so the count grows with every revocation, by whichever instance; the
    // partial index certificates_revoked answers it without reading the unrevoked majority.
    // Enrollments leave it alone, so they cost the CRL publisher no new CRL number.
    const [r] = await this.sql<{ n: number; latest: string | null }[]>`
      SELECT count(*) AS n, max(revoked_at) AS latest FROM certificates WHERE revoked_at IS NOT NULL`;
    return `${r.n}/${r.latest ?? ''}`;
  }

  async revoke(serial: string, reason: RevocationReason, at: string): Promise<boolean> {
    // READ COMMITTED: a second UPDATE of the row waits for the first to commit, then re-checks
    // `revoked_at IS NULL` on the new version and changes nothing, so only one caller sees 1.
    const r = await this.sql`
      UPDATE certificates SET revoked_at = ${at}, revocation_reason = ${reason}
      WHERE serial = ${serial} AND state = 'issued' AND revoked_at IS NULL`;
    this.forget(serial);
    return r.count === 1;
  }
}
