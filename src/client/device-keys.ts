// Opening a message with every key one device holds (protocol §6, §7): its current key, and the
// keys of its certificates before renewals. A version 2 envelope names the certificate each copy of
// the message key is wrapped for, so a key is tried by its serial; but a key carried in a backup
// file comes without its serial, and is tried on the entries no known serial claims (a wrong key
// fails to unwrap, which tells nothing away). Kept apart from the page so it can be tested alone.
import { openAnyEnvelope, openEnvelopeV2, type DeviceKey, type OpenFailure, type OpenResult } from './envelope.ts';
import type { Envelope, EnvelopeV2 } from '../protocol/envelope.ts';
import type { x509 } from './x509.ts';

export interface DeviceKeys {
  login: string;
  /** This device's current certificate serial and its RSA-OAEP private key. */
  serial: string;
  decryptKey: CryptoKey;
  /** Earlier keys of this device, newest first; `serial` where it is known. */
  earlier: ReadonlyArray<{ serial?: string; decryptKey: CryptoKey }>;
}

export async function openWithDeviceKeys(envelope: Envelope | EnvelopeV2, senderCertificate: x509.X509Certificate | string, keys: DeviceKeys): Promise<OpenResult> {
  const named: DeviceKey[] = [];
  const unnamed: CryptoKey[] = [];
  for (const k of keys.earlier) {
    if (k.serial) named.push({ serial: k.serial, decryptKey: k.decryptKey });
    else unnamed.push(k.decryptKey);
  }
  const mine = { myLogin: keys.login, myCertSerial: keys.serial, myDecryptKey: keys.decryptKey, senderCertificate };
  // Version 1 wraps for the login, not for a serial: every key is tried, named or not.
  const earlierKeys = envelope.v === 1 ? [...named, ...unnamed.map((decryptKey) => ({ serial: '', decryptKey }))] : named;
  const result = await openAnyEnvelope(envelope, { ...mine, earlierKeys });
  if (result.status !== 'not_for_this_device' || !unnamed.length) return result;
  const known = new Set([keys.serial, ...named.map((k) => k.serial)].map((serial) => serial.toLowerCase()));
  for (const serial of Object.keys(result.envelope.keys).filter((s) => !known.has(s))) {
    for (const decryptKey of unnamed) {
      const tried = await openEnvelopeV2(envelope, { ...mine, earlierKeys: [{ serial, decryptKey }] });
      // Only a key that does not unwrap means "not this one"; any later failure is the message's.
      if (tried.status === 'verified' || (tried.status === 'failed' && tried.error.code !== 'key_unwrap_failed')) return tried;
    }
  }
  return result;
}

/**
 * A version 1 envelope is wrapped for the one certificate its reader's login had then. On a device
 * whose certificate began after it was sent, and that holds no earlier key, a key that does not
 * unwrap means it was for another device: what §6 says of messages from before a device was linked.
 */
export function sentBeforeThisDevice(envelope: Envelope | EnvelopeV2, failure: OpenFailure, keys: Pick<DeviceKeys, 'earlier'>, deviceSince: Date): boolean {
  // A certificate's notBefore is in whole seconds, cut down from the moment it was issued: the
  // device began some time within the second after it, so a message of that second may be older.
  return envelope.v === 1 && failure === 'key_unwrap_failed' && !keys.earlier.length && Date.parse(envelope.sentAt) < deviceSince.getTime() + CERTIFICATE_TIME_STEP;
}

/** The resolution of a certificate's validity times (RFC 5280 §4.1.2.5: whole seconds). */
const CERTIFICATE_TIME_STEP = 1000;
