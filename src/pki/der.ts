// A tiny DER writer (X.690 §10) for the two structures the server builds all the time: the OCSP
// response and the to-be-signed part of a user certificate. @peculiar/asn1-schema serializes them
// through asn1js objects, which cost ~0.6 ms an OCSP response and ~2.5 ms a certificate (profiles:
// more than everything else in the request but the password hash); these functions write the same
// bytes directly. Reading untrusted DER is mostly left to asn1-schema and node:crypto; `readTlv`
// reads its framing (strict DER lengths) so that a request is split into its parts and each is
// read by what needs it — not all by asn1js, which also tries to read a key's and a signature's
// bit strings as nested ASN.1 (~0.4 ms a CSR).

/** The universal tags (X.690 §8.1.2) this code writes and reads, as they appear in DER. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OBJECT_IDENTIFIER: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;
/** `[n]` context-specific, constructed: EXPLICIT, or IMPLICIT in place of a constructed type. */
export const contextTag = (n: number): number => 0xa0 | n;
/** `[n]` context-specific, primitive: IMPLICIT in place of a primitive type. */
export const contextPrimitiveTag = (n: number): number => 0x80 | n;

/** Tag, definite length (short form below 128, long form above) and content. */
export function tlv(tag: number, content: Uint8Array): Uint8Array<ArrayBuffer> {
  const n = content.length;
  if (n >= 0x1000000) throw new RangeError('DER content too long');
  const head = n < 0x80 ? [tag, n] : n < 0x100 ? [tag, 0x81, n] : n < 0x10000 ? [tag, 0x82, n >> 8, n & 0xff] : [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out.set(content, head.length);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const sequence = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => tlv(TAG.SEQUENCE, concat(parts));
export const octetString = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => tlv(TAG.OCTET_STRING, bytes);
/** A BIT STRING of whole octets (no unused bits). */
export const bitString = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => tlv(TAG.BIT_STRING, concat([new Uint8Array([0]), bytes]));
export const enumerated = (value: number): Uint8Array<ArrayBuffer> => tlv(TAG.ENUMERATED, new Uint8Array([value])); // 0..127 only
/** `[n] EXPLICIT`: a constructed context-specific wrapper around one encoded value. */
export const explicit = (n: number, inner: Uint8Array): Uint8Array<ArrayBuffer> => tlv(contextTag(n), inner);
/** `[n] IMPLICIT NULL`. */
export const implicitNull = (n: number): Uint8Array<ArrayBuffer> => new Uint8Array([contextPrimitiveTag(n), 0]);

/** An INTEGER from the content octets as read from another DER value (two's complement, kept as they are). */
export const integerContent = (content: Uint8Array): Uint8Array<ArrayBuffer> => tlv(TAG.INTEGER, content);

const oids = new Map<string, Uint8Array<ArrayBuffer>>();
/** OBJECT IDENTIFIER from dotted form (base-128 arcs, the first two combined); memoized, OIDs repeat. */
export function oid(dotted: string): Uint8Array<ArrayBuffer> {
  let der = oids.get(dotted);
  if (der) return der;
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs.length < 2 || arcs[0] > 2n || (arcs[0] < 2n && arcs[1] > 39n)) throw new RangeError(`bad OID ${dotted}`);
  const bytes: number[] = [];
  for (const arc of [arcs[0] * 40n + arcs[1], ...arcs.slice(2)]) {
    const groups = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80);
    bytes.push(...groups);
  }
  der = tlv(TAG.OBJECT_IDENTIFIER, new Uint8Array(bytes));
  if (oids.size < 1_000) oids.set(dotted, der); // requests name their hash's OID: bound what they can add
  return der;
}

/** Dotted form of an OBJECT IDENTIFIER's content octets (as read from DER); throws when malformed. */
export function oidText(content: Uint8Array): string {
  if (!content.length || content[content.length - 1] & 0x80) throw new RangeError('bad OID');
  const arcs: bigint[] = [];
  let arc = 0n;
  for (let i = 0; i < content.length; i++) {
    if (arc === 0n && content[i] === 0x80) throw new RangeError('bad OID'); // a padded arc
    arc = (arc << 7n) | BigInt(content[i] & 0x7f);
    if (!(content[i] & 0x80)) {
      arcs.push(arc);
      arc = 0n;
    }
  }
  const first = arcs[0] < 80n ? arcs[0] / 40n : 2n;
  return [first, arcs[0] - first * 40n, ...arcs.slice(1)].join('.');
}

/** UTCTime `YYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.1: UTC, whole seconds; years 1950–2049 only). */
export function utcTime(date: Date): Uint8Array<ArrayBuffer> {
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 2049) throw new RangeError('UTCTime covers 1950–2049');
  const text = date.toISOString().slice(2).replace(/\.\d+Z$/, 'Z').replace(/[-:T]/g, '');
  return tlv(TAG.UTC_TIME, new TextEncoder().encode(text));
}

/** A certificate's Time (RFC 5280 §4.1.2.5): UTCTime through 2049, GeneralizedTime from 2050. */
export const x509Time = (date: Date): Uint8Array<ArrayBuffer> => (date.getUTCFullYear() < 2050 ? utcTime(date) : generalizedTime(date));

/** GeneralizedTime `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.2: UTC, whole seconds). */
export function generalizedTime(date: Date): Uint8Array<ArrayBuffer> {
  const text = date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:T]/g, '');
  return tlv(TAG.GENERALIZED_TIME, new TextEncoder().encode(text));
}

/**
 * The value of a SubjectPublicKeyInfo's subjectPublicKey BIT STRING (without its unused-bits
 * octet), from DER already parsed and checked elsewhere: what RFC 5280 §4.2.1.2 (1) hashes into a
 * key identifier. Throws on anything not shaped SEQUENCE { SEQUENCE …, BIT STRING }.
 */
export function spkiKeyBits(spki: Uint8Array): Uint8Array {
  try {
    const parts = children(spki, readTlv(spki, 0, TAG.SEQUENCE));
    const [algorithm, key] = parts;
    if (parts.length !== 2 || algorithm.tag !== TAG.SEQUENCE || key.tag !== TAG.BIT_STRING || spki[key.content] !== 0) throw new RangeError('no key bits');
    return spki.subarray(key.content + 1, key.end);
  } catch {
    throw new RangeError('not a SubjectPublicKeyInfo');
  }
}

/** Where one DER value sits: its tag (low tag numbers only), its content, and its end. */
export interface Tlv {
  tag: number;
  start: number;
  content: number;
  end: number;
}

/**
 * The value starting at `at`, which must end by `limit` (and have tag `tag`, when given). DER only
 * (X.690 §10.1): a definite length in its shortest form, so one value has one framing. Throws a
 * RangeError on anything else.
 */
export function readTlv(der: Uint8Array, at: number, tag?: number, limit = der.length): Tlv {
  const t = der[at];
  if (at + 2 > limit || (t & 0x1f) === 0x1f || (tag !== undefined && t !== tag)) throw new RangeError('bad DER tag');
  let length = der[at + 1];
  let content = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n < 1 || n > 4 || content + n > limit || der[content] === 0) throw new RangeError('bad DER length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[content + i];
    content += n;
    if (length < 0x80) throw new RangeError('bad DER length');
  }
  const end = content + length;
  if (end > limit) throw new RangeError('DER value runs past its end');
  return { tag: t, start: at, content, end };
}

/** The values that fill a constructed value's content exactly. */
export function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.content; at < parent.end; at = out[out.length - 1].end) out.push(readTlv(der, at, undefined, parent.end));
  return out;
}
