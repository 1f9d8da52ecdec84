// A tiny DER writer (X.690 §10) for the one structure built on every request: the OCSP response.
// @peculiar/asn1-schema serializes it through asn1js objects, which cost ~0.6 ms a response (a
// profile: three times the rest of the request, the P-256 signature included); these functions
// write the same bytes directly. Parsing untrusted DER stays with asn1-schema.

/** Tag, definite length (short form below 128, long form above) and content. */
export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  if (n >= 0x1000000) throw new RangeError('DER content too long');
  const head = n < 0x80 ? [tag, n] : n < 0x100 ? [tag, 0x81, n] : n < 0x10000 ? [tag, 0x82, n >> 8, n & 0xff] : [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out.set(content, head.length);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
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

export const sequence = (...parts: Uint8Array[]): Uint8Array => tlv(0x30, concat(parts));
export const octetString = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);
/** A BIT STRING of whole octets (no unused bits). */
export const bitString = (bytes: Uint8Array): Uint8Array => tlv(0x03, concat([new Uint8Array([0]), bytes]));
export const enumerated = (value: number): Uint8Array => tlv(0x0a, new Uint8Array([value])); // 0..127 only
/** `[n] EXPLICIT`: a constructed context-specific wrapper around one encoded value. */
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 | n, inner);
/** `[n] IMPLICIT NULL`. */
export const implicitNull = (n: number): Uint8Array => new Uint8Array([0x80 | n, 0]);

/** An INTEGER from the content octets as read from another DER value (two's complement, kept as they are). */
export const integerContent = (content: Uint8Array): Uint8Array => tlv(0x02, content);

const oids = new Map<string, Uint8Array>();
/** OBJECT IDENTIFIER from dotted form (base-128 arcs, the first two combined); memoized, OIDs repeat. */
export function oid(dotted: string): Uint8Array {
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

/** GeneralizedTime `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.2: UTC, whole seconds). */
export function generalizedTime(date: Date): Uint8Array {
  const text = date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:T]/g, '');
  return tlv(0x18, new TextEncoder().encode(text));
}
