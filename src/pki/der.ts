// A tiny DER writer (X.690 §10) for the two structures the server builds all the time: the OCSP
// response and the to-be-signed part of a user certificate. @peculiar/asn1-schema serializes them
// through asn1js objects, which cost ~0.6 ms an OCSP response and ~2.5 ms a certificate (profiles:
// more than everything else in the request but the password hash); these functions write the same
// bytes directly. Parsing untrusted DER stays with asn1-schema.

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

export const sequence = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => tlv(0x30, concat(parts));
export const octetString = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => tlv(0x04, bytes);
/** A BIT STRING of whole octets (no unused bits). */
export const bitString = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => tlv(0x03, concat([new Uint8Array([0]), bytes]));
export const enumerated = (value: number): Uint8Array<ArrayBuffer> => tlv(0x0a, new Uint8Array([value])); // 0..127 only
/** `[n] EXPLICIT`: a constructed context-specific wrapper around one encoded value. */
export const explicit = (n: number, inner: Uint8Array): Uint8Array<ArrayBuffer> => tlv(0xa0 | n, inner);
/** `[n] IMPLICIT NULL`. */
export const implicitNull = (n: number): Uint8Array<ArrayBuffer> => new Uint8Array([0x80 | n, 0]);

/** An INTEGER from the content octets as read from another DER value (two's complement, kept as they are). */
export const integerContent = (content: Uint8Array): Uint8Array<ArrayBuffer> => tlv(0x02, content);

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
  der = tlv(0x06, new Uint8Array(bytes));
  if (oids.size < 1_000) oids.set(dotted, der); // requests name their hash's OID: bound what they can add
  return der;
}

/** UTCTime `YYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.1: UTC, whole seconds; years 1950–2049 only). */
export function utcTime(date: Date): Uint8Array<ArrayBuffer> {
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 2049) throw new RangeError('UTCTime covers 1950–2049');
  const text = date.toISOString().slice(2).replace(/\.\d+Z$/, 'Z').replace(/[-:T]/g, '');
  return tlv(0x17, new TextEncoder().encode(text));
}

/** A certificate's Time (RFC 5280 §4.1.2.5): UTCTime through 2049, GeneralizedTime from 2050. */
export const x509Time = (date: Date): Uint8Array<ArrayBuffer> => (date.getUTCFullYear() < 2050 ? utcTime(date) : generalizedTime(date));

/** GeneralizedTime `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.2: UTC, whole seconds). */
export function generalizedTime(date: Date): Uint8Array<ArrayBuffer> {
  const text = date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:T]/g, '');
  return tlv(0x18, new TextEncoder().encode(text));
}

/**
 * The value of a SubjectPublicKeyInfo's subjectPublicKey BIT STRING (without its unused-bits
 * octet), from DER already parsed and checked elsewhere: what RFC 5280 §4.2.1.2 (1) hashes into a
 * key identifier. Throws on anything not shaped SEQUENCE { SEQUENCE …, BIT STRING }.
 */
export function spkiKeyBits(spki: Uint8Array): Uint8Array {
  const read = (at: number, tag: number): { start: number; end: number } => {
    if (spki[at] !== tag) throw new RangeError('not a SubjectPublicKeyInfo');
    let len = spki[at + 1];
    let start = at + 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n < 1 || n > 4) throw new RangeError('not a SubjectPublicKeyInfo');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + spki[start + i];
      start += n;
    }
    if (start + len > spki.length) throw new RangeError('not a SubjectPublicKeyInfo');
    return { start, end: start + len };
  };
  const outer = read(0, 0x30);
  const algorithm = read(outer.start, 0x30);
  const key = read(algorithm.end, 0x03);
  if (key.end !== outer.end || spki[key.start] !== 0) throw new RangeError('not a SubjectPublicKeyInfo');
  return spki.subarray(key.start + 1, key.end);
}
