// Protocol §6: several devices per user, each with a certificate of its own and a name its owner
// recognises. One module for the wire shapes, used by the routes, the pages' script and the tests.
// No Node imports: this module is bundled into the browser script.
import * as v from 'valibot';
import { SERIAL_HEX } from './serial.ts';
import { englishText } from './error-messages.ts';

export const DEVICE_NAME_MAX = 64;

/** `GET /api/v1/users/{login}/certificates`: what a sender wraps a message key for. */
export interface CurrentCertificateEntry {
  serial: string;
  deviceName: string;
  notAfter: string;
  fingerprint: string;
  /** PEM. */
  certificate: string;
}

/** `GET /api/v1/devices`: the caller's devices. */
export interface DeviceEntry {
  serial: string;
  deviceName: string;
  createdAt: string;
  notAfter: string;
  /** When a session of this device was last opened, while one is open; null otherwise. */
  lastSeen: string | null;
  /** The device of the session asking. */
  current: boolean;
}

/** A device's name: 1 to 64 characters once trimmed, no control characters. */
export const deviceNameSchema = v.pipe(
  v.string(englishText('error.device.name.missing')),
  v.trim(),
  v.nonEmpty(englishText('error.device.name.empty')),
  v.maxLength(DEVICE_NAME_MAX, englishText('error.device.name.long', { max: DEVICE_NAME_MAX })),
  v.check((s) => !/[\p{Cc}\p{Cf}]/u.test(s), englishText('error.device.name.control')),
);

/** A record from before devices had names: its owner's first device. */
export const UNNAMED_DEVICE = 'First device';

/** `{serial}` in a path: a certificate serial, lowercase hex. */
export const serialParamSchema = v.object({ serial: v.pipe(v.string(), v.regex(SERIAL_HEX, englishText('error.device.serial'))) });
