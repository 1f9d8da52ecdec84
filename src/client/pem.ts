// PEM armour (RFC 7468) without Buffer, for keys and backups; certificates are read by @peculiar/x509.
import { fromBase64, toBase64 } from '../protocol/base64.ts';

export function toPem(label: string, der: Uint8Array | ArrayBuffer): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER of the one `label` block in `text`; throws when there is none, or more than one. */
export function fromPem(text: string, label: string): Uint8Array<ArrayBuffer> {
  const re = new RegExp(`-----BEGIN ${label}-----([^-]*)-----END ${label}-----`, 'g');
  const blocks = [...text.matchAll(re)];
  if (blocks.length !== 1) throw new TypeError(`expected one PEM block "${label}"`);
  return fromBase64(blocks[0][1].replace(/\s+/g, ''));
}

/** Every block with `label`, in order (a chain file holds several certificates). */
export function pemBlocks(text: string, label: string): string[] {
  return text.match(new RegExp(`-----BEGIN ${label}-----[^-]*-----END ${label}-----`, 'g')) ?? [];
}
