// Linking a new device (protocol §6): no key ever leaves a device. The new device asks with the
// login, the password and a CSR for a key of its own; every stream of that login hears of it; a
// device already logged in approves by typing the 6-digit code the new one shows, and only then is
// a certificate issued; the new device collects it with a secret only it was given.
//
// It crosses areas: the password is checked as at login (auth), the CSR as at enrollment and the
// certificate issued by the life cycle (pki), the other devices told through the hub (chat).
//
// The code and the secret are kept only as SHA-256 hashes (src/auth/link-requests.ts) and compared
// in constant time. A request lives LINK_TTL_MS; five wrong codes end it; `claim` lets one approver
// issue, however many type the code at once.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../protocol/errors.ts';
import type {
  DeviceRequestEvent,
  LinkApproved,
  LinkEnded,
  LinkRequestBody,
  LinkRequestResponse,
  LinkWaiting,
  PendingDeviceRequest,
} from '../protocol/device-link.ts';
import type { IssuedAnswer } from '../pki/issue.ts';
import type { Lifecycle } from '../pki/lifecycle.ts';
import type { CertificateRecords } from '../pki/records.ts';
import { checkCsr } from '../pki/csr.ts';
import { refuseCertifiedKey } from '../pki/fresh-key.ts';
import { LINK_MAX_WRONG_CODES, LINK_TTL_MS, type LinkRequest, type LinkRequestStore } from '../auth/link-requests.ts';
import type { PasswordCheck } from '../auth/password-check.ts';
import type { Activity, ActivityOrigin } from '../auth/activity.ts';
import type { Hub } from '../chat/hub.ts';
import { errorText, type Said } from '../protocol/error-messages.ts';

/** Requests are forgotten this long after they expired: until then the new device hears `410`. */
export const LINK_KEPT_MS = 24 * 3600_000;
/** At most one clean-up of old requests per this long, on this instance. */
const SWEEP_EVERY_MS = 60_000;

export interface DeviceLinkDeps {
  store: LinkRequestStore;
  /** The password check of §3 login: the same refusal, the same work for unknown logins. */
  passwords: PasswordCheck;
  records: CertificateRecords;
  lifecycle: Lifecycle;
  /** The smallest RSA key a CSR may hold (the user profile's). */
  minKeyBits: number;
  hub: Hub;
  activity: Activity;
  now: () => Date;
  /** A clean-up of old requests that failed; it never fails the request that ran it. */
  onError: (err: unknown) => void;
}

/** What GET /api/v1/devices/link/{request} answers: still waiting, or the §2 answer. */
export type Collected = { status: 202; body: LinkWaiting } | { status: 200; body: IssuedAnswer };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Two hex SHA-256 hashes compared in constant time (a malformed stored one equals nothing). */
function sameHash(given: string, stored: string): boolean {
  const a = Buffer.from(given, 'hex');
  const b = Buffer.from(stored, 'hex');
  return a.length === 32 && b.length === 32 && timingSafeEqual(a, b);
}

const notFound = () => new DomainError('not_found', errorText('error.link.notFound'));

function gone(state: LinkEnded, message: Said): DomainError {
  return new DomainError('gone', message, undefined, { state });
}

const expired = (r: LinkRequest, now: string) => r.expiresAt <= now;

/** What a device of the login is told about a request: the fields of `event: device_request`. */
function shown(r: LinkRequest): DeviceRequestEvent {
  return { request: r.id, deviceName: r.deviceName, keyFingerprint: r.keyFingerprint, address: r.address, userAgent: r.userAgent, expiresAt: r.expiresAt };
}

/**
 * Why a request can no longer be approved or refused, as the approving device is told: `409` while
 * another device is issuing or once it did, `410 gone` once refused, failed or expired.
 */
function notApprovable(r: LinkRequest | undefined, now: string): DomainError {
  if (!r) return notFound();
  if (r.state === 'approved') return new DomainError('conflict', errorText('error.link.approved'));
  if (r.state === 'approving') return new DomainError('conflict', errorText('error.link.approving'));
  if (r.state === 'refused') return gone('refused', errorText('error.link.gone.refused'));
  if (r.state === 'failed') return gone('failed', errorText('error.link.gone.failed'));
  if (expired(r, now)) return gone('expired', errorText('error.link.gone.expired'));
  // Pending and unexpired after all (the caller saw it change): nothing to refuse it for.
  return new DomainError('conflict', errorText('error.link.changed'));
}

export class DeviceLink {
  private readonly d: DeviceLinkDeps;
  /** Compared against when a request id is unknown, so that costs the same as a wrong secret. */
  private readonly noSecret = sha256(randomBytes(32).toString('base64url'));
  private lastSweep = -Infinity;

  constructor(deps: DeviceLinkDeps) {
    this.d = deps;
  }

  /**
   * Step 1, on the new device: the password as at login (§3, the same `401`), the CSR as at
   * enrollment (§2, a key never certified). Nothing is issued: the request waits for an approval,
   * and every stream of the login hears of it.
   */
  async request(req: LinkRequestBody, origin: ActivityOrigin = {}): Promise<LinkRequestResponse> {
    const { store, records, activity } = this.d;
    let user;
    try {
      user = await this.d.passwords.check(req.login, req.password);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'invalid_credentials') {
        activity.recordIfKnown(req.login, 'device_link_failed', { reason: 'password' }, origin);
      }
      throw err;
    }
    const { key } = await checkCsr(req.csr, user, this.d.minKeyBits);
    await refuseCertifiedKey(records, key, 'device');

    const now = this.d.now();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const secret = randomBytes(32).toString('base64url');
    const r: LinkRequest = {
      id: crypto.randomUUID(),
      login: user.login,
      deviceName: req.deviceName,
      csr: req.csr,
      // Of the key's DER SubjectPublicKeyInfo: what the new device hashes itself (protocol §6).
      keyFingerprint: key.hash,
      address: origin.address ?? '',
      userAgent: (origin.userAgent ?? '').slice(0, 256),
      codeHash: sha256(code),
      secretHash: sha256(secret),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + LINK_TTL_MS).toISOString(),
      wrongCodes: 0,
      state: 'pending',
    };
    await store.create(r);
    this.d.hub.deviceRequest(r.login, shown(r));
    await activity.record(r.login, 'device_link_requested', { deviceName: r.deviceName }, origin);
    await this.sweep(now);
    return { request: r.id, code, secret, expiresAt: r.expiresAt };
  }

  /** The login's requests waiting for an approval, oldest first. */
  async pending(login: string): Promise<PendingDeviceRequest[]> {
    const waiting = await this.d.store.pending(login, this.d.now().toISOString());
    return waiting.map((r) => ({ ...shown(r), createdAt: r.createdAt }));
  }

  /**
   * Step 3, on a device already logged in: the code the new device shows. A wrong one is `400
   * validation` on `code` with the tries left, and the fifth ends the request; the right one issues
   * the certificate (`409 too_many_devices` past 10 devices, after which the request still waits:
   * revoke a device and approve again).
   */
  async approve(login: string, id: string, code: string, origin: ActivityOrigin = {}): Promise<LinkApproved> {
    const { store, activity } = this.d;
    const r = await this.own(login, id);
    const now = this.d.now().toISOString();
    if (r.state !== 'pending' || expired(r, now)) throw notApprovable(r, now);

    if (!sameHash(sha256(code), r.codeHash)) {
      const wrong = await store.wrongCode(id, LINK_MAX_WRONG_CODES, now);
      if (wrong === undefined) throw notApprovable(await store.get(id), now);
      const left = LINK_MAX_WRONG_CODES - wrong;
      if (left > 0) {
        throw new DomainError('validation', errorText('error.link.code.wrong'), { code: errorText('error.link.code.triesLeft', { count: left }) }, { triesLeft: left });
      }
      await activity.record(login, 'device_link_failed', { reason: 'wrong_codes', deviceName: r.deviceName }, origin);
      throw new DomainError(
        'validation',
        errorText('error.link.code.wrong'),
        { code: errorText('error.link.code.ended') },
        { triesLeft: 0 },
      );
    }

    if (!(await store.claim(id, now))) throw notApprovable(await store.get(id), now);
    let issued: IssuedAnswer;
    try {
      issued = await this.d.lifecycle.link(r.login, r.csr, r.deviceName);
    } catch (err) {
      await store.release(id);
      throw err;
    }
    await store.approve(id, issued.serial, JSON.stringify(issued));
    await activity.record(login, 'device_link_approved', { serial: issued.serial, deviceName: r.deviceName }, origin);
    return { serial: issued.serial, deviceName: r.deviceName };
  }

  /** DELETE on the request: refused; the new device hears `410`. */
  async refuse(login: string, id: string, origin: ActivityOrigin = {}): Promise<void> {
    const r = await this.own(login, id);
    const now = this.d.now().toISOString();
    if (r.state !== 'pending' || expired(r, now)) throw notApprovable(r, now);
    if (!(await this.d.store.refuse(id))) throw notApprovable(await this.d.store.get(id), now);
    await this.d.activity.record(login, 'device_link_refused', { deviceName: r.deviceName }, origin);
  }

  /**
   * Step 4, on the new device, with its secret: `202` while waiting, `200` with the §2 answer once
   * approved (still, after expiry, until the request is cleaned up: the certificate was issued),
   * `410 gone` once refused, failed or expired unapproved. A wrong secret is `404`, as an unknown id.
   */
  async collect(id: string, secret: string): Promise<Collected> {
    const r = await this.d.store.get(id);
    const matches = sameHash(sha256(secret), r?.secretHash ?? this.noSecret);
    if (!r || !matches) throw new DomainError('not_found', errorText('error.link.noSuch'));
    if (r.state === 'approved' && r.answer) return { status: 200, body: JSON.parse(r.answer) as IssuedAnswer };
    if (r.state === 'refused') throw gone('refused', errorText('error.link.gone.refusedHere'));
    if (r.state === 'failed') throw gone('failed', errorText('error.link.gone.failedHere'));
    if (expired(r, this.d.now().toISOString())) throw gone('expired', errorText('error.link.gone.expiredHere'));
    return { status: 202, body: { request: r.id, state: 'pending', expiresAt: r.expiresAt } };
  }

  /** The request, if it is one of `login`'s; `404` otherwise, whether it exists or not. */
  private async own(login: string, id: string): Promise<LinkRequest> {
    const r = await this.d.store.get(id);
    if (!r || r.login !== login) throw notFound();
    return r;
  }

  /** Forgets requests expired more than LINK_KEPT_MS ago, at most once a minute per instance. */
  private async sweep(now: Date): Promise<void> {
    if (now.getTime() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now.getTime();
    try {
      await this.d.store.deleteExpired(new Date(now.getTime() - LINK_KEPT_MS).toISOString());
    } catch (err) {
      this.d.onError(err);
    }
  }
}
