// Pre-produced OCSP responses (RFC 6960 §2.5): a nonce-less question about one certificate is
// answered with bytes signed ahead, from memory or from the store every process and instance
// shares (src/pki/prepared-ocsp.ts), so the hot path makes no signature. Responses are signed
// when a record appears or changes and again before they age (`refresh`, run by
// src/pki/ocsp-refresher.ts in the server only), and on the serving path only when none fits.
//
// Why the serving path compares the stored response with the record on every request instead of
// trusting revocation to replace it: a revocation can be written by another process — the admin
// command line, later another instance — that does not, and should not, sign OCSP responses (the
// command line would sign with a responder certificate it could not persist nor log). The record
// is read anyway to answer (one cached, indexed look-up; the cache sees other processes' writes),
// so a stored "good" is never served for a revoked certificate, not even for the second before
// the refresher notices the change and signs the new answer ahead.
import { createHash } from 'node:crypto';
import type { Log } from '../log.ts';
import type { CertificateRecord, CertificateRecords } from './records.ts';
import type { OcspSigner } from './ocsp-signer.ts';
import type { PreparedOcspResponse, PreparedOcspStore } from './prepared-ocsp.ts';
import { OCSP_VALIDITY_MS, recordStatus, signResponse } from './ocsp-response.ts';
import { hex } from './x509.ts';

/** Served until half its validity has passed (as the CRL): a cache holding it then still has half an hour. */
const SERVE_FOR_MS = OCSP_VALIDITY_MS / 2;
/** The refresher signs this long before that point, so the serving path does not find them stale. */
export const REFRESH_LEAD_MS = 5 * 60_000;
/** Clock difference tolerated between processes sharing the store. */
const SKEW_MS = 60_000;
/** Per store query and signing round: ~100 P-256 signatures hold the event loop ~4 ms. */
const BATCH = 100;
const ROUNDS_PER_PASS = 10;
const MEMORY_MAX = 10_000;

export interface PreparedAnswer {
  der: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date;
  /** A strong validator of these bytes (RFC 9110 §8.8.3): the quoted hex SHA-256 of the response. */
  etag: string;
}

type Kept = PreparedAnswer & Pick<PreparedOcspResponse, 'revokedAt' | 'revocationReason'>;

export interface PreparedOcspDeps {
  store: PreparedOcspStore;
  records: CertificateRecords;
  signer: OcspSigner;
  now: () => Date;
  /** The SHA-1 CertID of one of our serials: the form produced ahead (RFC 5019 §2.1.1 has clients use SHA-1). */
  certIdFor: (serial: string) => Uint8Array;
  log: Log;
}

export interface RefreshCounts {
  /** Responses signed because a record appeared or changed. */
  produced: number;
  /** Responses signed again before they aged. */
  refreshed: number;
  /** Certificates whose responses were forgotten: expired, or no longer issued. */
  dropped: number;
}

/** The memory key of one certificate asked in one CertID form. */
export const preparedKey = (serial: string, certId: Uint8Array): string => `${serial}/${hex(certId)}`;

export class PreparedOcsp {
  private readonly d: PreparedOcspDeps;
  private readonly memory = new Map<string, Kept>();
  private readonly signing = new Map<string, Promise<Kept>>();
  /** Responses signed so far by this process, on any path (operators and tests watch it). */
  signatures = 0;

  constructor(deps: PreparedOcspDeps) {
    this.d = deps;
  }

  /** The response for an issued record asked with `certId`: signed only when none kept says what the record says, fresh. */
  answer(record: CertificateRecord, certId: Uint8Array, key = preparedKey(record.serial, certId)): PreparedAnswer | Promise<PreparedAnswer> {
    const now = this.d.now().getTime();
    const kept = this.memory.get(key);
    if (kept && fits(kept, record, now)) return kept;
    // A signing under way may have read the record before it changed: its answer is checked too.
    const running = this.signing.get(key);
    if (running) return running.then((k) => (fits(k, record, now) ? k : this.answer(record, certId, key)));
    const made = this.fetchOrSign(record, certId, key, now).finally(() => this.signing.delete(key));
    this.signing.set(key, made);
    return made;
  }

  private async fetchOrSign(record: CertificateRecord, certId: Uint8Array, key: string, now: number): Promise<Kept> {
    // Another process or instance may have signed it already.
    const stored = await this.d.store.get(record.serial, certId);
    if (stored && fits(stored, record, now)) return this.remember(key, stored);
    const [made] = await this.sign(record, [certId]);
    return made;
  }

  /**
   * Signs every form kept of this certificate's response, and the SHA-1 one, that no longer says
   * what its record says (or is missing); forgets them when the record is no longer issued or has
   * expired. A form the serving path signed a moment ago for the same status is kept as it is: a
   * relying party asking twice gets the same bytes. Returns how many were signed, or undefined
   * when the certificate's responses were dropped.
   */
  async produce(serial: string): Promise<number | undefined> {
    const record = await this.d.records.get(serial);
    if (!this.worthKeeping(record)) {
      await this.forget(serial);
      return undefined;
    }
    const now = this.d.now().getTime();
    const kept = await this.d.store.forSerial(serial);
    const forms = kept.filter((r) => !fits(r, record, now)).map((r) => r.certId);
    const sha1 = this.d.certIdFor(serial);
    if (!kept.some((r) => Buffer.from(r.certId).equals(sha1))) forms.push(sha1);
    return forms.length ? (await this.sign(record, forms)).length : 0;
  }

  /**
   * One pass of the background work: produce the responses of records that were issued or changed
   * (by any process), then sign again those nearing the end of their serving time. Bounded per
   * pass; what is left waits for the next one.
   */
  async refresh(): Promise<RefreshCounts> {
    const counts: RefreshCounts = { produced: 0, refreshed: 0, dropped: 0 };
    const { store } = this.d;
    for (let round = 0; round < ROUNDS_PER_PASS; round++) {
      const serials = await store.takeChanged(BATCH);
      const failed: string[] = [];
      let error: unknown;
      for (const serial of serials) {
        try {
          const n = await this.produce(serial);
          if (n === undefined) counts.dropped++;
          else counts.produced += n;
        } catch (err) {
          failed.push(serial);
          error ??= err;
        }
      }
      if (failed.length) {
        // Handed out again for the next pass; meanwhile the serving path signs on demand.
        await store.markChanged(failed);
        throw error;
      }
      if (serials.length < BATCH) break;
      await yieldToRequests();
    }
    for (let round = 0; round < ROUNDS_PER_PASS; round++) {
      const due = await store.signedBefore(new Date(this.d.now().getTime() - SERVE_FOR_MS + REFRESH_LEAD_MS), BATCH);
      const bySerial = new Map<string, Uint8Array[]>();
      for (const r of due) bySerial.set(r.serial, [...(bySerial.get(r.serial) ?? []), r.certId]);
      for (const [serial, forms] of bySerial) {
        const record = await this.d.records.get(serial);
        if (!this.worthKeeping(record)) {
          await this.forget(serial);
          counts.dropped++;
        } else {
          counts.refreshed += (await this.sign(record, forms)).length;
        }
      }
      if (due.length < BATCH) break;
      await yieldToRequests();
    }
    return counts;
  }

  /** Issued and not expired: expired certificates are answered on request, not kept up ahead. */
  private worthKeeping(record: CertificateRecord | undefined): record is CertificateRecord {
    return record !== undefined && record.state === 'issued' && Date.parse(record.notAfter) > this.d.now().getTime();
  }

  private async forget(serial: string): Promise<void> {
    await this.d.store.remove(serial);
    for (const key of this.memory.keys()) if (key.startsWith(`${serial}/`)) this.memory.delete(key);
  }

  /** One response per CertID form, each stored and kept in memory; a failed write is logged, the answers still good. */
  private async sign(record: CertificateRecord, forms: Uint8Array[]): Promise<Kept[]> {
    const signer = await this.d.signer.current();
    const at = this.d.now();
    const status = recordStatus(record);
    const revoked = record.revokedAt ? { revokedAt: record.revokedAt, revocationReason: record.revocationReason ?? 'unspecified' } : {};
    const made: PreparedOcspResponse[] = forms.map((certId) => ({
      serial: record.serial,
      certId,
      ...revoked,
      ...signResponse(signer, [{ certId, status }], at),
    }));
    this.signatures += made.length;
    try {
      await this.d.store.put(made);
    } catch (err) {
      this.d.log('ocsp response not stored', { serial: record.serial, detail: (err as Error).message });
    }
    return made.map((r) => this.remember(preparedKey(r.serial, r.certId), r));
  }

  private remember(key: string, r: PreparedOcspResponse): Kept {
    const kept: Kept = {
      der: r.der,
      thisUpdate: r.thisUpdate,
      nextUpdate: r.nextUpdate,
      etag: `"${createHash('sha256').update(r.der).digest('hex')}"`,
      ...(r.revokedAt ? { revokedAt: r.revokedAt, revocationReason: r.revocationReason } : {}),
    };
    if (this.memory.size >= MEMORY_MAX) this.memory.clear();
    this.memory.set(key, kept);
    return kept;
  }
}

/** Whether a kept response says what the record says, and is young enough to serve. */
function fits(r: Pick<Kept, 'revokedAt' | 'revocationReason' | 'thisUpdate'>, record: CertificateRecord, now: number): boolean {
  if (r.revokedAt !== record.revokedAt) return false;
  if (r.revokedAt !== undefined && r.revocationReason !== (record.revocationReason ?? 'unspecified')) return false;
  const t = r.thisUpdate.getTime();
  return t - SKEW_MS <= now && now < t + SERVE_FOR_MS;
}

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));
