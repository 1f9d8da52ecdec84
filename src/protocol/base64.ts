// Protocol conventions: binary values are standard base64 with padding (RFC 4648 §4). Built on
// atob/btoa so the same code runs in every browser and in Node, without Buffer.

// Whole quanta of 4 characters, padding only at the end: rejects URL-safe, white space and
// missing padding, which atob would quietly accept.
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function toBase64(data: Uint8Array | ArrayBuffer): string {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  let binary = '';
  // In slices: String.fromCharCode with a very long argument list overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** True when `text` is canonical base64: the one encoding of its bytes (unused bits zero). */
export function isBase64(text: string): boolean {
  return decodeOrUndefined(text) !== undefined;
}

/** The bytes of canonical base64 `text`; throws a TypeError on anything else. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const bytes = decodeOrUndefined(text);
  if (!bytes) throw new TypeError('not canonical base64');
  return bytes;
}

/** Decoded length, or undefined when `text` is not canonical base64. */
export function base64Length(text: string): number | undefined {
  return decodeOrUndefined(text)?.length;
}

function decodeOrUndefined(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (typeof text !== 'string' || !B64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  // Non-zero unused bits would give a second spelling of the same bytes; allowing one spelling
  // only keeps text and bytes one to one, so comparing the text is comparing the bytes.
  return toBase64(bytes) === text ? bytes : undefined;
}
