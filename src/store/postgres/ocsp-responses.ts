// PostgreSQL adapter of the pre-produced OCSP responses (src/pki/prepared-ocsp.ts), answering as
// src/store/sqlite/ocsp-responses.ts does: one row per certificate and CertID form in
// ocsp_responses (schema.ts migration 5), gone with its record; the records to produce responses
// for are queued in ocsp_changes by triggers on certificates (migration 6), whichever instance or
// admin command writes them, so asking costs the same at any number of records.
import type { PreparedOcspResponse, PreparedOcspStore } from '../../pki/prepared-ocsp.ts';
import type { RevocationReason } from '../../pki/records.ts';
import type { Sql } from './connect.ts';
import { ocspResponseOf as fromRow, type OcspResponseRow as Row } from '../rows.ts';

export class PostgresPreparedOcsp implements PreparedOcspStore {
  private readonly sql: Sql;
  /** The pool is the caller's (openPostgres), already migrated; closing it is the caller's too. */
  constructor(sql: Sql) {
    this.sql = sql;
  }

  async get(serial: string, certId: Uint8Array): Promise<PreparedOcspResponse | undefined> {
    const [row] = await this.sql<Row[]>`SELECT * FROM ocsp_responses WHERE serial = ${serial} AND cert_id = ${certId}`;
    return row && fromRow(row);
  }

  async forSerial(serial: string): Promise<PreparedOcspResponse[]> {
    return (await this.sql<Row[]>`SELECT * FROM ocsp_responses WHERE serial = ${serial}`).map(fromRow);
  }

  async put(responses: readonly PreparedOcspResponse[]): Promise<void> {
    // One multi-row statement: all or none (a serial with no record fails the foreign key), one
    // round trip. A statement may not upsert one key twice, so the last of equal keys wins, as
    // the SQLite adapter's loop of upserts leaves it.
    const rows = new Map<string, Record<string, unknown>>();
    for (const r of responses) {
      rows.set(`${r.serial}/${Buffer.from(r.certId).toString('hex')}`, {
        serial: r.serial,
        cert_id: r.certId,
        revoked_at: r.revokedAt ?? null,
        revocation_reason: r.revokedAt ? (r.revocationReason ?? 'unspecified') : null,
        this_update: r.thisUpdate.toISOString(),
        next_update: r.nextUpdate.toISOString(),
        der: r.der,
      });
    }
    if (rows.size === 0) return;
    // Not forced to disk beyond the server's own commit rule: a response lost is signed again on demand.
    await this.sql`
      INSERT INTO ocsp_responses ${this.sql([...rows.values()], 'serial', 'cert_id', 'revoked_at', 'revocation_reason', 'this_update', 'next_update', 'der')}
      ON CONFLICT (serial, cert_id) DO UPDATE SET revoked_at = excluded.revoked_at, revocation_reason = excluded.revocation_reason,
        this_update = excluded.this_update, next_update = excluded.next_update, der = excluded.der`;
  }

  async remove(serial: string): Promise<void> {
    await this.sql`DELETE FROM ocsp_responses WHERE serial = ${serial}`;
  }

  async signedBefore(before: Date, limit: number): Promise<PreparedOcspResponse[]> {
    const rows = await this.sql<Row[]>`
      SELECT * FROM ocsp_responses WHERE this_update < ${before.toISOString()} ORDER BY this_update, serial LIMIT ${limit}`;
    return rows.map(fromRow);
  }

  async takeChanged(limit: number): Promise<string[]> {
    // One statement, so each change goes to one instance: SKIP LOCKED lets two refreshers asking
    // at once take disjoint batches instead of one waiting for the other's. A change committed
    // after this is queued again by its trigger. An empty queue (the usual answer, asked every
    // second) deletes nothing and writes nothing.
    const rows = await this.sql<{ serial: string; n: number | string }[]>`
      DELETE FROM ocsp_changes WHERE serial IN (
        SELECT serial FROM ocsp_changes ORDER BY n LIMIT ${limit} FOR UPDATE SKIP LOCKED
      ) RETURNING serial, n`;
    // RETURNING follows no order: oldest change first, as the port says. Number(): a pool opened
    // without openPostgres's bigint parser hands int8 out as a string.
    return rows.sort((a, b) => Number(a.n) - Number(b.n)).map((r) => r.serial);
  }

  async markChanged(serials: readonly string[]): Promise<void> {
    if (serials.length === 0) return;
    await this.sql`
      INSERT INTO ocsp_changes (serial) SELECT s FROM unnest(${this.sql.array([...serials])}::text[]) WITH ORDINALITY AS q (s, i) ORDER BY i
      ON CONFLICT (serial) DO NOTHING`;
  }
}
