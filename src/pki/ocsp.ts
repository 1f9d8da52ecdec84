// The OCSP responder (protocol §1 `POST /ocsp`, RFC 6960): answers good, revoked or unknown for
// each certificate asked about, with the request's nonce echoed, signed by a delegated responder
// certificate the intermediate issued (RFC 6960 §4.2.2.2, src/pki/ocsp-signer.ts): an ECDSA P-256
// key with id-kp-OCSPSigning and id-pkix-ocsp-nocheck, living 7 days, not the intermediate's
// RSA-3072 key, which costs ~15 times more per signature. The responder certificate alone rides in
// `certs`: a relying party already holds the intermediate (it built the CertID from it).
//
// Work per request is one DER parse, one indexed lookup per certificate, one P-256 signature and
// the response written as DER directly (src/pki/der.ts). A request without a nonce may be answered
// with a response signed moments ago for the same question and the same answer (RFC 5019 §2.2
// allows pre-produced responses); a nonce forces a fresh one.
import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLReasons, Certificate } from '@peculiar/asn1-x509';
import { CertID, OCSPRequest, OCSPResponse, OCSPResponseStatus, id_pkix_ocsp_basic, id_pkix_ocsp_nonce } from '@peculiar/asn1-ocsp';
import type { Authority } from './authority.ts';
import type { CertificateRecords, RevocationReason } from './records.ts';
import { hex } from './x509.ts';
import { ECDSA_WITH_SHA256, type OcspSigner, type ResponderCredentials } from './ocsp-signer.ts';
import { wholeSeconds } from './crl.ts';
import { bitString, concat, enumerated, explicit, generalizedTime, implicitNull, integerContent, octetString, oid, sequence, tlv } from './der.ts';

/** How long a response says it stays true (nextUpdate); revocations are known at once, this bounds caching. */
export const OCSP_VALIDITY_MS = 3_600_000;
/** How long a signed answer to a nonce-less question is reused (while the answer is unchanged). */
const REUSE_MS = 60_000;
const REUSE_MAX_ENTRIES = 10_000;
/** More certificates than any real client asks about at once (OpenSSL sends one per -cert). */
export const MAX_CERTS_PER_REQUEST = 20;
/** RFC 8954 §2.1: a nonce is 1 to 32 octets; its DER OCTET STRING wrapper adds two. */
const MAX_NONCE_EXTN_VALUE = 34;

const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};
const DER_NULL = new Uint8Array([0x05, 0x00]);
/** Untrusted DER is parsed with tight limits: an OCSP request is small and shallow. */
const PARSE_LIMITS = { berOptions: { maxDepth: 16, maxNodes: 2_000, maxContentLength: 64 * 1024 } };

export type OcspStatus =
  | { status: 'good' }
  | { status: 'revoked'; revokedAt: Date; reason: RevocationReason }
  | { status: 'unknown' };

export interface OcspDeps {
  ca: Authority;
  records: CertificateRecords;
  /** The delegated responder key and certificate, renewed as they age. */
  signer: OcspSigner;
  now: () => Date;
}

export class MalformedOcspRequest extends Error {}

/** An OCSPResponse carrying only a status (RFC 6960 §4.2.1): malformedRequest, internalError, … */
export function statusOnlyResponse(status: OCSPResponseStatus): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(new OCSPResponse({ responseStatus: status })));
}

export class OcspResponder {
  private readonly d: OcspDeps;
  /** Per hash algorithm OID: our intermediate's name hash and key hash, hex. */
  private readonly issuerHashes: Map<string, { name: string; key: string }>;
  private readonly reuse = new Map<string, { der: Uint8Array; until: number }>();

  private constructor(deps: OcspDeps, issuerHashes: Map<string, { name: string; key: string }>) {
    this.d = deps;
    this.issuerHashes = issuerHashes;
  }

  static async create(deps: OcspDeps): Promise<OcspResponder> {
    // RFC 6960 §4.1.1: the hash of the issuer's DER-encoded name and of the value (without tag,
    // length and unused-bits octet) of its subjectPublicKey BIT STRING.
    const cert = AsnConvert.parse(deps.ca.intermediate.rawData, Certificate);
    const name = AsnConvert.serialize(cert.tbsCertificate.subject);
    const key = cert.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey;
    const hashes = new Map<string, { name: string; key: string }>();
    for (const [oid, alg] of Object.entries(HASHES)) {
      hashes.set(oid, { name: hex(await crypto.subtle.digest(alg, name)), key: hex(await crypto.subtle.digest(alg, key)) });
    }
    return new OcspResponder(deps, hashes);
  }

  /** The DER OCSPResponse for a DER OCSPRequest; an unreadable request gets `malformedRequest`, never an exception. */
  async respond(der: Uint8Array): Promise<Uint8Array> {
    let request: OCSPRequest;
    let nonce: Uint8Array | undefined;
    try {
      request = AsnConvert.parse(der, OCSPRequest, PARSE_LIMITS);
      nonce = checkRequest(request);
    } catch {
      return statusOnlyResponse(OCSPResponseStatus.malformedRequest);
    }
    const ids = request.tbsRequest.requestList.map((r) => r.reqCert);
    const statuses = ids.map((id) => this.status(id));
    const now = this.d.now().getTime();

    // Reuse only when the same certificates get the same answers; any revocation changes the key.
    const key = nonce || der.byteLength > 2048 ? undefined : hex(der) + JSON.stringify(statuses);
    const kept = key !== undefined ? this.reuse.get(key) : undefined;
    if (kept && now < kept.until) return kept.der;

    const response = this.sign(await this.d.signer.current(), ids, statuses, nonce);
    if (key !== undefined) {
      if (this.reuse.size >= REUSE_MAX_ENTRIES) this.reuse.clear();
      this.reuse.set(key, { der: response, until: now + REUSE_MS });
    }
    return response;
  }

  /** What we know about one certificate: ours only if the CertID names our intermediate and we issued the serial. */
  status(id: CertID): OcspStatus {
    const ours = this.issuerHashes.get(id.hashAlgorithm.algorithm);
    if (!ours || hex(id.issuerNameHash.buffer) !== ours.name || hex(id.issuerKeyHash.buffer) !== ours.key) return { status: 'unknown' };
    const record = this.d.records.get(serialHex(id.serialNumber));
    // A pending serial is mid-registration and may yet be discarded: not issued, so not vouched for.
    if (!record || record.state !== 'issued') return { status: 'unknown' };
    if (record.revokedAt) return { status: 'revoked', revokedAt: new Date(record.revokedAt), reason: record.revocationReason ?? 'unspecified' };
    return { status: 'good' };
  }

  /** The OCSPResponse, written as DER directly (src/pki/der.ts says why), signed with the responder key. */
  private sign(signer: ResponderCredentials, ids: CertID[], statuses: OcspStatus[], nonce: Uint8Array | undefined): Uint8Array {
    const now = wholeSeconds(this.d.now());
    const thisUpdate = generalizedTime(now);
    const nextUpdate = explicit(0, generalizedTime(new Date(now.getTime() + OCSP_VALIDITY_MS)));
    // ResponseData: version v1 is the DEFAULT, so absent; responderID byKey is [2] EXPLICIT KeyHash.
    const tbs = sequence(
      explicit(2, octetString(signer.keyHash)),
      thisUpdate,
      sequence(...ids.map((id, i) => sequence(certIdDer(id), certStatusDer(statuses[i]), thisUpdate, nextUpdate))),
      ...(nonce ? [explicit(1, sequence(sequence(oid(id_pkix_ocsp_nonce), octetString(nonce))))] : []),
    );
    const basic = sequence(
      tbs,
      sequence(oid(ECDSA_WITH_SHA256)), // RFC 5758 §3.2: no parameters
      bitString(new Uint8Array(signer.sign(tbs))),
      explicit(0, sequence(new Uint8Array(signer.cert.rawData))),
    );
    return sequence(
      enumerated(OCSPResponseStatus.successful),
      explicit(0, sequence(oid(id_pkix_ocsp_basic), octetString(basic))),
    );
  }
}

/** Throws when the request cannot be answered as asked; returns the nonce (the extension's extnValue) to echo. */
function checkRequest(request: OCSPRequest): Uint8Array | undefined {
  const list = request.tbsRequest.requestList;
  if (list.length === 0 || list.length > MAX_CERTS_PER_REQUEST) throw new MalformedOcspRequest('request list size');
  const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
  if (nonce && (nonce.extnValue.byteLength === 0 || nonce.extnValue.byteLength > MAX_NONCE_EXTN_VALUE)) {
    throw new MalformedOcspRequest('nonce size');
  }
  return nonce && new Uint8Array(nonce.extnValue.buffer);
}

/** Our serials are stored as lowercase hex of the DER INTEGER content, never with a padding zero. */
function serialHex(serial: ArrayBuffer): string {
  return hex(serial).replace(/^(00)+(?=[0-9a-f]{2})/, '');
}

/** The request's CertID as it was asked (hash parameters NULL, absent or other, serial octets as sent). */
function certIdDer(id: CertID): Uint8Array {
  const params = id.hashAlgorithm.parameters;
  return sequence(
    sequence(oid(id.hashAlgorithm.algorithm), ...(params === null ? [DER_NULL] : params === undefined ? [] : [new Uint8Array(params)])),
    octetString(new Uint8Array(id.issuerNameHash.buffer)),
    octetString(new Uint8Array(id.issuerKeyHash.buffer)),
    integerContent(new Uint8Array(id.serialNumber)),
  );
}

/** CertStatus: good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL. */
function certStatusDer(s: OcspStatus): Uint8Array {
  if (s.status === 'good') return implicitNull(0);
  if (s.status === 'unknown') return implicitNull(2);
  // RevokedInfo { revocationTime, revocationReason [0] EXPLICIT CRLReason }
  return tlv(0xa1, concat([generalizedTime(wholeSeconds(s.revokedAt)), explicit(0, enumerated(CRLReasons[s.reason]))]));
}
