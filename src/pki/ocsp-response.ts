// One signed OCSP response (RFC 6960 §4.2.1), written as DER directly (src/pki/der.ts says why):
// what the responder signs for a request with a nonce, and what src/pki/ocsp-prepared.ts signs
// ahead of any request. Both ask for the same bytes, so they share this one writer.
import { CRLReasons } from '@peculiar/asn1-x509';
import { OCSPResponseStatus, id_pkix_ocsp_basic, id_pkix_ocsp_nonce } from '@peculiar/asn1-ocsp';
import type { CertificateRecord, RevocationReason } from './records.ts';
import { ECDSA_WITH_SHA256, type ResponderCredentials } from './ocsp-signer.ts';
import { wholeSeconds } from './crl.ts';
import { bitString, concat, contextTag, enumerated, explicit, generalizedTime, implicitNull, integerContent, octetString, oid, sequence, tlv } from './der.ts';

/** How long a response says it stays true (nextUpdate); revocations are known at once, this bounds caching. */
export const OCSP_VALIDITY_MS = 3_600_000;

export const SHA1 = '1.3.14.3.2.26';
const DER_NULL = new Uint8Array([0x05, 0x00]);

export type OcspStatus =
  | { status: 'good' }
  | { status: 'revoked'; revokedAt: Date; reason: RevocationReason }
  | { status: 'unknown' };

/** What a response says about a record: a pending serial is mid-registration and may yet be discarded, so not vouched for. */
export function recordStatus(record: CertificateRecord | undefined): OcspStatus {
  if (!record || record.state !== 'issued') return { status: 'unknown' };
  if (record.revokedAt) return { status: 'revoked', revokedAt: new Date(record.revokedAt), reason: record.revocationReason ?? 'unspecified' };
  return { status: 'good' };
}

export interface SignedResponse {
  der: Uint8Array;
  /** Also producedAt: every response is signed for the moment it is made. */
  thisUpdate: Date;
  nextUpdate: Date;
}

/** A CertID (RFC 6960 §4.1.1) from its parts: `params` null is an explicit NULL, undefined none. */
export function certIdDer(hashOid: string, params: Uint8Array | null | undefined, nameHash: Uint8Array, keyHash: Uint8Array, serial: Uint8Array): Uint8Array {
  return sequence(
    sequence(oid(hashOid), ...(params === null ? [DER_NULL] : params === undefined ? [] : [params])),
    octetString(nameHash),
    octetString(keyHash),
    integerContent(serial),
  );
}

/** A serial as lowercase hex (ours, positive) to the content octets of its DER INTEGER. */
export function serialContent(serial: string): Uint8Array {
  const bytes = Buffer.from(serial.length % 2 ? `0${serial}` : serial, 'hex');
  return bytes[0] >= 0x80 ? concat([new Uint8Array([0]), bytes]) : new Uint8Array(bytes);
}

/** The BasicOCSPResponse inside an OCSPResponse, one SingleResponse per CertID given (DER, as asked). */
export function signResponse(
  signer: ResponderCredentials,
  answers: readonly { certId: Uint8Array; status: OcspStatus }[],
  at: Date,
  nonce?: Uint8Array,
): SignedResponse {
  const now = wholeSeconds(at);
  const next = new Date(now.getTime() + OCSP_VALIDITY_MS);
  const thisUpdate = generalizedTime(now);
  const nextUpdate = explicit(0, generalizedTime(next));
  // ResponseData: version v1 is the DEFAULT, so absent; responderID byKey is [2] EXPLICIT KeyHash.
  const tbs = sequence(
    explicit(2, octetString(signer.keyHash)),
    thisUpdate,
    sequence(...answers.map((a) => sequence(a.certId, certStatusDer(a.status), thisUpdate, nextUpdate))),
    ...(nonce ? [explicit(1, sequence(sequence(oid(id_pkix_ocsp_nonce), octetString(nonce))))] : []),
  );
  const basic = sequence(
    tbs,
    sequence(oid(ECDSA_WITH_SHA256)), // RFC 5758 §3.2: no parameters
    bitString(new Uint8Array(signer.sign(tbs))),
    explicit(0, sequence(new Uint8Array(signer.cert.rawData))),
  );
  const der = sequence(enumerated(OCSPResponseStatus.successful), explicit(0, sequence(oid(id_pkix_ocsp_basic), octetString(basic))));
  return { der, thisUpdate: now, nextUpdate: next };
}

/** CertStatus: good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL. */
function certStatusDer(s: OcspStatus): Uint8Array {
  if (s.status === 'good') return implicitNull(0);
  if (s.status === 'unknown') return implicitNull(2);
  // RevokedInfo { revocationTime, revocationReason [0] EXPLICIT CRLReason }
  return tlv(contextTag(1), concat([generalizedTime(wholeSeconds(s.revokedAt)), explicit(0, enumerated(CRLReasons[s.reason]))]));
}
