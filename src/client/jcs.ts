// RFC 8785 JSON canonicalization: what every signature of protocol §5 is computed over.
import canonicalize from 'canonicalize';

/** The canonical JSON text of `value`. */
export function jcs(value: unknown): string {
  const text = canonicalize(value);
  // canonicalize gives undefined for undefined/functions; nothing we sign may be that.
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

/** The exact bytes a signature covers: UTF-8 of the canonical JSON. */
export function jcsBytes(value: unknown): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(jcs(value));
}
