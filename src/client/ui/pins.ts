// The certificate this browser last saw for each person it writes to, kept per viewer. The CA
// vouches for every certificate, but a key that changes is still worth saying out loud: it is how
// someone would notice a certificate issued to the wrong person (or by a compromised server), the
// way messengers announce a changed safety number. The first certificate seen is taken as it is.
import { idbGet, idbPut } from './db.ts';
import type { KnownCertificate } from './certs.ts';

export interface Pin {
  /** SHA-256 of the certificate, lowercase hex: what the pages show as its fingerprint. */
  fingerprint: string;
  serial: string;
  seenAt: string;
}

const key = (viewer: string, peer: string) => `${viewer} ${peer}`;

export async function certificateFingerprint(known: KnownCertificate): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', known.cert.rawData);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function pin(viewer: string, peer: string, known: KnownCertificate): Promise<void> {
  await idbPut('pins', key(viewer, peer), { fingerprint: await certificateFingerprint(known), serial: known.serial, seenAt: new Date().toISOString() } satisfies Pin);
}

/**
 * The pin this browser held when `known` is a different certificate; undefined when it is the
 * same or when there was none (then `known` becomes the pin).
 */
export async function changedSincePinned(viewer: string, peer: string, known: KnownCertificate): Promise<Pin | undefined> {
  const held = await idbGet<Pin>('pins', key(viewer, peer));
  if (!held) {
    await pin(viewer, peer, known);
    return undefined;
  }
  return held.fingerprint === (await certificateFingerprint(known)) ? undefined : held;
}
