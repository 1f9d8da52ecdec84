// Protocol §6, linking a new device: the request schemas and the answers, shared with the browser.
// The new device asks with the login, the password and a CSR; a device already logged in approves
// by typing the 6-digit code the new one shows; the new device then collects its certificate with
// the secret only it was given.
import * as v from 'valibot';
import { deviceNameSchema } from './devices.ts';
import { sessionRequestSchema } from './session.ts';
import { englishText } from './error-messages.ts';

/** A request's id (`request`): a UUIDv4, lowercase, as the server makes them. */
export const LINK_REQUEST_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const LINK_CODE_PATTERN = /^[0-9]{6}$/;

export const LINK_REQUEST_FIELDS = ['login', 'password', 'csr', 'deviceName'] as const;

/** POST /api/v1/devices/link: the login and password as at login (§3), the CSR as at enrollment (§2). */
export const linkRequestSchema = v.object({
  login: sessionRequestSchema.entries.login,
  password: sessionRequestSchema.entries.password,
  csr: v.pipe(
    v.string(englishText('error.enroll.csr.missing')),
    v.trim(),
    v.nonEmpty(englishText('error.enroll.csr.missing')),
    v.maxLength(32 * 1024, englishText('error.enroll.csr.large')),
  ),
  deviceName: deviceNameSchema,
});

/** POST /api/v1/devices/requests/{request}/approve. */
export const linkApproveSchema = v.object({
  code: v.pipe(
    v.string(englishText('error.link.code.missing')),
    v.trim(),
    v.regex(LINK_CODE_PATTERN, englishText('error.link.code.pattern')),
  ),
});

/** The `{request}` of the paths. */
export const linkRequestParam = v.object({
  request: v.pipe(v.string(), v.regex(LINK_REQUEST_ID_PATTERN, englishText('error.link.id'))),
});

export type LinkRequestBody = v.InferOutput<typeof linkRequestSchema>;

/** `202` to POST /api/v1/devices/link: show `code` to the user, keep `secret` to collect with. */
export interface LinkRequestResponse {
  request: string;
  code: string;
  secret: string;
  expiresAt: string;
}

/** `event: device_request`, to every stream of the login: a new device asks to be linked. */
export interface DeviceRequestEvent {
  request: string;
  deviceName: string;
  /** Hex SHA-256 of the CSR's SubjectPublicKeyInfo: the new device can show it too, to compare. */
  keyFingerprint: string;
  /** Where the request came from, as the server saw it, and what the new device says it is. */
  address: string;
  userAgent: string;
  expiresAt: string;
}

/** GET /api/v1/devices/requests: the pending requests, oldest first. */
export interface PendingDeviceRequest extends DeviceRequestEvent {
  createdAt: string;
}

/** `201` to an approval: the new device's certificate is issued. */
export interface LinkApproved {
  serial: string;
  deviceName: string;
}

/** `202` to GET /api/v1/devices/link/{request} while the request waits for an approval. */
export interface LinkWaiting {
  request: string;
  state: 'pending';
  expiresAt: string;
}

/** Why a request is `410 gone` (the `state` of the refusal). */
export type LinkEnded = 'refused' | 'failed' | 'expired';
