// The OCSP responder (protocol §1 `POST /ocsp`, RFC 6960): answers good, revoked or unknown for
// each certificate asked about, with the request's nonce echoed, signed by a delegated responder
// certificate the intermediate issued (RFC 6960 §4.2.2.2, src/pki/ocsp-signer.ts): an ECDSA P-256
// key with id-kp-OCSPSigning and id-pkix-ocsp-nocheck, living 7 days, not the intermediate's
// RSA-3072 key, which costs ~15 times more per signature. The responder certificate alone rides in
// `certs`: a relying party already holds the intermediate (it built the CertID from it).
//
// A question without a nonce about one of our certificates — what browsers and TLS stacks ask
// (RFC 5019) — is answered with a pre-produced response (src/pki/ocsp-prepared.ts), no signing.
// The rest — a nonce, several certificates, a serial we do not vouch for — costs one DER parse,
// one indexed lookup per certificate, one P-256 signature and the response written as DER
// directly (src/pki/ocsp-response.ts).
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { CertID, OCSPRequest, OCSPResponse, OCSPResponseStatus, id_pkix_ocsp_nonce } from '@peculiar/asn1-ocsp';
import type { Log } from '../log.ts';
import type { Authority } from './authority.ts';
import type { CertificateRecord, CertificateRecords } from './records.ts';
import { hex } from './x509.ts';
import type { OcspSigner } from './ocsp-signer.ts';
import type { PreparedOcspStore } from './prepared-ocsp.ts';
import { PreparedOcsp, preparedKey } from './ocsp-prepared.ts';
import { SHA1, certIdDer, recordStatus, serialContent, signResponse } from './ocsp-response.ts';

export { OCSP_VALIDITY_MS, type OcspStatus } from './ocsp-response.ts';

/** More certificates than any real client asks about at once (OpenSSL sends one per -cert). */
export const MAX_CERTS_PER_REQUEST = 20;
/** RFC 8954 §2.1: a nonce is 1 to 32 octets; its DER OCTET STRING wrapper adds two. */
const MAX_NONCE_EXTN_VALUE = 34;
/** Nonce-less requests parsed before, by their bytes: parsing is most of the cost of a pre-produced answer. */
const PARSED_MAX = 10_000;
const PARSED_MAX_BYTES = 512;

const HASHES: Record<string, string> = {
  [SHA1]: 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};
/** Untrusted DER is parsed with tight limits: an OCSP request is small and shallow. */
const PARSE_LIMITS = { berOptions: { maxDepth: 16, maxNodes: 2_000, maxContentLength: 64 * 1024 } };

export interface OcspDeps {
  ca: Authority;
  records: CertificateRecords;
  /** The delegated responder key and certificate, renewed as they age. */
  signer: OcspSigner;
  /** Where pre-produced responses are kept, beside the records. */
  responses: PreparedOcspStore;
  now: () => Date;
  log: Log;
}

export class MalformedOcspRequest extends Error {}

/** An OCSPResponse carrying only a status (RFC 6960 §4.2.1): malformedRequest, internalError, … */
export function statusOnlyResponse(status: OCSPResponseStatus): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(new OCSPResponse({ responseStatus: status })));
}

/** One certificate asked about: its CertID as asked, and our serial when the CertID names our intermediate. */
interface Question {
  certId: Uint8Array;
  serial?: string;
  /** Set when a pre-produced response may answer it (our issuer, a canonical CertID form): its memory key. */
  preparedKey?: string;
}

interface ParsedRequest {
  questions: Question[];
  nonce?: Uint8Array;
}

export interface OcspAnswer {
  der: Uint8Array;
  /** Present for a pre-produced response: what HTTP caches may keep it by (RFC 5019 §6). */
  prepared?: { thisUpdate: Date; nextUpdate: Date; etag: string; maxAge: number };
}

export class OcspResponder {
  private readonly d: OcspDeps;
  /** Per hash algorithm OID: our intermediate's name hash and key hash, hex. */
  private readonly issuerHashes: Map<string, { name: string; key: string }>;
  private readonly parsed = new Map<string, ParsedRequest>();
  private readonly parsedBytes = new WeakMap<Uint8Array, ParsedRequest>();
  readonly prepared: PreparedOcsp;

  private constructor(deps: OcspDeps, issuerHashes: Map<string, { name: string; key: string }>) {
    this.d = deps;
    this.issuerHashes = issuerHashes;
    const sha1 = issuerHashes.get(SHA1)!;
    const [name, key] = [Buffer.from(sha1.name, 'hex'), Buffer.from(sha1.key, 'hex')];
    this.prepared = new PreparedOcsp({
      store: deps.responses,
      records: deps.records,
      signer: deps.signer,
      now: deps.now,
      log: deps.log,
      // What OpenSSL, browsers and RFC 5019 clients send: SHA-1 with explicit NULL parameters.
      certIdFor: (serial) => certIdDer(SHA1, null, name, key, serialContent(serial)),
    });
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
    return (await this.answer(der)).der;
  }

  /** The answer to a DER OCSPRequest, and for a pre-produced one how long it may be cached. */
  async answer(der: Uint8Array): Promise<OcspAnswer> {
    const request = this.parse(der);
    if (!request) return { der: statusOnlyResponse(OCSPResponseStatus.malformedRequest) };
    const { questions, nonce } = request;
    // Ours only if the CertID names our intermediate and we issued the serial.
    const lookUp = async (q: Question) => (q.serial === undefined ? undefined : await this.d.records.get(q.serial));
    if (!nonce && questions.length === 1 && questions[0].preparedKey) {
      const [only] = questions;
      const record = await lookUp(only);
      if (record?.state === 'issued') {
        const p = await this.prepared.answer(record, only.certId, only.preparedKey);
        const maxAge = Math.max(0, Math.floor((p.nextUpdate.getTime() - this.d.now().getTime()) / 1000));
        return { der: p.der, prepared: { thisUpdate: p.thisUpdate, nextUpdate: p.nextUpdate, etag: p.etag, maxAge } };
      }
    }
    const records = await Promise.all(questions.map(lookUp));
    const signer = await this.d.signer.current();
    const answers = questions.map((q, i) => ({ certId: q.certId, status: recordStatus(records[i]) }));
    return { der: signResponse(signer, answers, this.d.now(), nonce).der };
  }

  /** The request's questions and nonce; undefined when it cannot be answered as asked. */
  private parse(der: Uint8Array): ParsedRequest | undefined {
    // The GET route hands the same bytes for the same URL (it decodes each once): known by identity
    // before being known by content.
    const same = this.parsedBytes.get(der);
    if (same) return same;
    const bytes = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
    const key = bytes.byteLength <= PARSED_MAX_BYTES ? bytes.toString('latin1') : undefined;
    const known = key === undefined ? undefined : this.parsed.get(key);
    if (known) {
      this.parsedBytes.set(der, known);
      return known;
    }
    let request: OCSPRequest;
    let nonce: Uint8Array | undefined;
    try {
      request = AsnConvert.parse(der, OCSPRequest, PARSE_LIMITS);
      nonce = checkRequest(request);
    } catch {
      return undefined;
    }
    const questions = request.tbsRequest.requestList.map(({ reqCert: id }): Question => {
      const certId = certIdDer(
        id.hashAlgorithm.algorithm,
        id.hashAlgorithm.parameters === null ? null : id.hashAlgorithm.parameters === undefined ? undefined : new Uint8Array(id.hashAlgorithm.parameters),
        new Uint8Array(id.issuerNameHash.buffer),
        new Uint8Array(id.issuerKeyHash.buffer),
        new Uint8Array(id.serialNumber),
      );
      const serial = this.ourSerial(id);
      // Pre-produced only for the forms clients really send, so a certificate has at most eight
      // (four hashes, parameters NULL or absent): odd parameters or a padded serial are signed as asked.
      const canonical = serial !== undefined && id.hashAlgorithm.parameters == null && minimalInteger(new Uint8Array(id.serialNumber));
      return { certId, ...(serial !== undefined ? { serial } : {}), ...(canonical ? { preparedKey: preparedKey(serial, certId) } : {}) };
    });
    const parsed: ParsedRequest = { questions, ...(nonce ? { nonce } : {}) };
    // A nonce makes every request new: only nonce-less ones are worth remembering.
    if (key !== undefined && !nonce) {
      if (this.parsed.size >= PARSED_MAX) this.parsed.clear();
      this.parsed.set(key, parsed);
      this.parsedBytes.set(der, parsed);
    }
    return parsed;
  }

  /** Our serial, when the CertID's issuer hashes are our intermediate's. */
  private ourSerial(id: CertID): string | undefined {
    const ours = this.issuerHashes.get(id.hashAlgorithm.algorithm);
    if (!ours || hex(id.issuerNameHash.buffer) !== ours.name || hex(id.issuerKeyHash.buffer) !== ours.key) return undefined;
    return serialHex(id.serialNumber);
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

/** DER's shortest two's complement: no leading 0x00 before a byte below 0x80 (nor 0xff before one above). */
function minimalInteger(content: Uint8Array): boolean {
  if (content.length < 2) return content.length === 1;
  return !(content[0] === 0x00 && content[1] < 0x80) && !(content[0] === 0xff && content[1] >= 0x80);
}
