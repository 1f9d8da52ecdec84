// Protocol conventions: binary values are standard base64 with padding (RFC 4648 §4). Built on
// atob/btoa so the same code runs in every browser and in Node, without Buffer.

// With a length that is a multiple of 4: whole quanta, padding only at the end. Rejects URL-safe,
// white space and missing padding, which atob would quietly accept. (One character class and a
// length check rather than a regex of quanta: the server runs this over every envelope's
// ciphertext, and the quantum-by-quantum form cost several times more.)
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

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
  return base64Length(text) !== undefined;
}

/** The bytes of canonical base64 `text`; throws a TypeError on anything else. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  if (base64Length(text) === undefined) throw new TypeError('not canonical base64');
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Decoded length, or undefined when `text` is not canonical base64. Worked out without decoding
 * (the server checks the size of every field of every envelope this way): non-zero unused bits in
 * the last character before the padding would give a second spelling of the same bytes, and
 * allowing one spelling only keeps text and bytes one to one, so comparing the text is comparing
 * the bytes.
 */
export function base64Length(text: string): number | undefined {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !B64.test(text)) return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (pad) {
    const last = ALPHABET.indexOf(text[text.length - pad - 1]);
    if (last & (pad === 2 ? 0x0f : 0x03)) return undefined;
  }
  return (text.length / 4) * 3 - pad;
}
