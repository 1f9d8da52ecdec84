// The certificate revocation list (protocol §1 `GET /ca/crl`, RFC 5280 §5): signed by the
// intermediate that issued the certificates it lists, with a CRL number that only grows.
//
// A CRL is made again whenever the set of revocations changes — including revocations written by
// another process sharing the database (the admin command line) — and otherwise reused until half
// of its validity has passed, so relying parties always find a fresh one well before nextUpdate.
import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber, CRLReason, CRLReasons, id_ce_cRLNumber, id_ce_cRLReasons } from '@peculiar/asn1-x509';
import type { Authority } from './authority.ts';
import type { CaState } from './ca-state.ts';
import type { CertificateRecords, RevocationReason } from './records.ts';
import { CA_SIGNING, x509 } from './x509.ts';

const HOUR = 3_600_000;

export interface CrlDeps {
  ca: Authority;
  records: CertificateRecords;
  state: CaState;
  /** Validity of each CRL (certs/profiles.json `crl.hours`). */
  hours: number;
  now: () => Date;
}

export interface PublishedCrl {
  number: number;
  thisUpdate: Date;
  nextUpdate: Date;
  der: Uint8Array;
  pem: string;
}

/** Our reason names are RFC 5280 §5.3.1's, so the mapping is by name. */
export function crlReason(reason: RevocationReason): x509.X509CrlReason {
  return x509.X509CrlReason[reason];
}

/**
 * RFC 5280 §5.3.1 prefers no reason code over `unspecified`, but an entry without extensions
 * comes out of X509CrlGenerator with an empty extensions SEQUENCE, which the ASN.1 forbids
 * (SIZE (1..MAX)). A valid CRL matters more than that SHOULD, so `unspecified` is written out.
 */
function reasonEntry(reason: RevocationReason): Pick<x509.X509CrlEntryParams, 'reason' | 'extensions'> {
  if (reason !== 'unspecified') return { reason: crlReason(reason) };
  const value = AsnConvert.serialize(new CRLReason(CRLReasons.unspecified));
  return { extensions: [new x509.Extension(id_ce_cRLReasons, false, value)] };
}

/** Certificate times carry whole seconds (RFC 5280 §4.1.2.5); so do ours. */
export const wholeSeconds = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);

export class CrlPublisher {
  private readonly d: CrlDeps;
  private cached?: { mark: string; crl: PublishedCrl };
  private building?: { mark: string; crl: Promise<PublishedCrl> };

  constructor(deps: CrlDeps) {
    this.d = deps;
  }

  /** The CRL to serve now: the cached one while revocations are unchanged and it is fresh, else a new one. */
  async current(): Promise<PublishedCrl> {
    const mark = await this.d.records.revocationMark();
    const now = this.d.now().getTime();
    const c = this.cached;
    if (c && c.mark === mark && now >= c.crl.thisUpdate.getTime() - 60_000 && now < refreshAt(c.crl)) return c.crl;
    // Concurrent requests share one signing, so one change of state costs one CRL number.
    if (this.building?.mark === mark) return this.building.crl;
    const crl = this.build();
    const building = { mark, crl };
    this.building = building;
    try {
      const made = await crl;
      this.cached = { mark, crl: made };
      return made;
    } finally {
      if (this.building === building) this.building = undefined;
    }
  }

  /** What the CRL lists, newest first: serials, dates and reasons only, as in the CRL itself. */
  async revocations(): Promise<Array<{ serial: string; revokedAt: string; reason: RevocationReason }>> {
    return (await this.d.records.revoked())
      .map((r) => ({ serial: r.serial, revokedAt: r.revokedAt ?? '', reason: r.revocationReason ?? 'unspecified' }))
      .sort((a, b) => b.revokedAt.localeCompare(a.revokedAt));
  }

  private async build(): Promise<PublishedCrl> {
    const { ca, records, state } = this.d;
    const entries: x509.X509CrlEntryParams[] = (await records.revoked()).map((r) => ({
      serialNumber: r.serial,
      revocationDate: wholeSeconds(new Date(r.revokedAt!)),
      ...reasonEntry(r.revocationReason ?? 'unspecified'),
    }));
    const thisUpdate = wholeSeconds(this.d.now());
    const nextUpdate = new Date(thisUpdate.getTime() + this.d.hours * HOUR);
    const number = await state.nextCrlNumber();
    const ski = ca.intermediate.getExtension(x509.SubjectKeyIdentifierExtension);
    const crl = await x509.X509CrlGenerator.create({
      // The intermediate's own encoded name, so the CRL issuer matches certificate issuers byte for byte.
      issuer: ca.intermediate.subjectName,
      thisUpdate,
      nextUpdate,
      signingKey: ca.signingKey,
      signingAlgorithm: CA_SIGNING,
      entries,
      extensions: [
        ski ? new x509.AuthorityKeyIdentifierExtension(ski.keyId) : await x509.AuthorityKeyIdentifierExtension.create(ca.intermediate.publicKey),
        new x509.Extension(id_ce_cRLNumber, false, AsnConvert.serialize(new CRLNumber(number))),
      ],
    });
    // RFC 7468 §5 labels a CRL "X509 CRL" (the library writes "CRL", which openssl does not read).
    const pem = x509.PemConverter.encode(crl.rawData, 'X509 CRL') + '\n';
    return { number, thisUpdate, nextUpdate, der: new Uint8Array(crl.rawData), pem };
  }
}

/** Halfway through a CRL's validity a new one is made, so no relying party ever holds an expired one. */
function refreshAt(crl: PublishedCrl): number {
  return crl.thisUpdate.getTime() + (crl.nextUpdate.getTime() - crl.thisUpdate.getTime()) / 2;
}
