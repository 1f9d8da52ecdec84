// In-memory fake of the CA's certificate records (src/pki/records.ts), mirroring the SQLite adapter
// (src/store/sqlite/certificates.ts): serial and fingerprint unique, one record per key hash
// (KeyAlreadyCertified, nothing recorded), confirm/discard touch pending records only, revoke only
// an issued, unrevoked one; reads of issued records in order of issue. Records are copied in and
// out, as a database would, so a caller cannot change what is stored by changing what it holds.
import { KeyAlreadyCertified, type CertificateRecord, type CertificateRecords, type RevocationReason, type StagedRecord } from '../../src/pki/records.ts';

const copy = (r: CertificateRecord): CertificateRecord => ({ ...r, der: new Uint8Array(r.der) });

export class FakeCertificateRecords implements CertificateRecords {
  /** In insertion order (SQLite's rowid), which breaks ties between equal `issuedAt`. */
  private readonly rows = new Map<string, CertificateRecord>();

  async stage(record: StagedRecord): Promise<void> {
    // The unique index itself, not isKeyCertified: a test may make the look-up lie to stage a race.
    if (this.holds(record.keyHash)) throw new KeyAlreadyCertified();
    if (this.rows.has(record.serial)) throw new Error('UNIQUE constraint failed: certificates.serial');
    if ([...this.rows.values()].some((r) => r.fingerprint === record.fingerprint)) throw new Error('UNIQUE constraint failed: certificates.fingerprint');
    const { revokedAt: _a, revocationReason: _b, ...fresh } = record;
    this.rows.set(record.serial, copy({ ...fresh, state: 'pending' }));
  }

  /** A record as the store would hold it after stage and confirm: for tests that need one in place. */
  seed(record: CertificateRecord): void {
    if (record.keyHash && this.holds(record.keyHash)) throw new KeyAlreadyCertified();
    this.rows.set(record.serial, copy(record));
  }

  async isKeyCertified(keyHash: string): Promise<boolean> {
    return this.holds(keyHash);
  }

  private holds(keyHash: string): boolean {
    for (const r of this.rows.values()) if (r.keyHash === keyHash) return true;
    return false;
  }

  async confirm(serial: string): Promise<void> {
    const r = this.rows.get(serial);
    if (r?.state === 'pending') r.state = 'issued';
  }

  async discard(serial: string): Promise<void> {
    if (this.rows.get(serial)?.state === 'pending') this.rows.delete(serial);
  }

  async get(serial: string): Promise<CertificateRecord | undefined> {
    const r = this.rows.get(serial);
    return r && copy(r);
  }

  async byFingerprint(fingerprint: string): Promise<CertificateRecord | undefined> {
    for (const r of this.rows.values()) if (r.fingerprint === fingerprint) return copy(r);
    return undefined;
  }

  private issued(): CertificateRecord[] {
    return [...this.rows.values()].filter((r) => r.state === 'issued').sort((a, b) => (a.issuedAt < b.issuedAt ? -1 : a.issuedAt > b.issuedAt ? 1 : 0));
  }

  async forLogin(login: string): Promise<CertificateRecord[]> {
    return this.issued().filter((r) => r.login === login).map(copy);
  }

  async pending(): Promise<CertificateRecord[]> {
    return [...this.rows.values()].filter((r) => r.state === 'pending').map(copy);
  }

  async all(): Promise<CertificateRecord[]> {
    return this.issued().map(copy);
  }

  async revoke(serial: string, reason: RevocationReason, at: string): Promise<boolean> {
    const r = this.rows.get(serial);
    if (!r || r.state !== 'issued' || r.revokedAt) return false;
    r.revokedAt = at;
    r.revocationReason = reason;
    return true;
  }

  async revoked(): Promise<CertificateRecord[]> {
    return [...this.rows.values()]
      .filter((r) => r.revokedAt !== undefined)
      .sort((a, b) => (a.revokedAt! < b.revokedAt! ? -1 : a.revokedAt! > b.revokedAt! ? 1 : 0))
      .map(copy);
  }

  async revocationMark(): Promise<string> {
    const revoked = await this.revoked();
    const latest = revoked.reduce<string>((m, r) => (r.revokedAt! > m ? r.revokedAt! : m), '');
    return `${revoked.length}/${latest}`;
  }
}
