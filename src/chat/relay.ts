// Accepting an envelope (protocol §5). The server reads nothing inside: it checks who sends, with
// which certificate, that the outer signature holds, that the recipient exists, that the id is new
// and the clock plausible; then it stores the envelope durably and only then announces it.
import { X509Certificate, constants, verify, type KeyObject } from 'node:crypto';
import { CertificateRejected, DomainError } from '../protocol/errors.ts';
import { envelopeSigningText, type Envelope } from '../protocol/envelope.ts';
import type { Directory } from '../directory/directory.ts';
import type { CertificateRecords } from '../pki/records.ts';
import type { Hub } from './hub.ts';
import type { MessageStore, StoredMessage } from './messages.ts';
import type { Presence } from './presence.ts';

export const CLOCK_WINDOW_MS = 5 * 60_000;

export interface RelayDeps {
  directory: Directory;
  records: CertificateRecords;
  store: MessageStore;
  hub: Hub;
  presence: Presence;
  now: () => Date;
}

const reject = (reason: string, message: string) => new DomainError('message_rejected', message, undefined, { reason });

export class Relay {
  private readonly d: RelayDeps;
  /** Verify keys by certificate serial: parsing a certificate costs more than the verification. */
  private readonly keys = new Map<string, KeyObject>();

  constructor(deps: RelayDeps) {
    this.d = deps;
  }

  private verifyKey(serial: string, der: Uint8Array): KeyObject {
    let key = this.keys.get(serial);
    if (!key) {
      key = new X509Certificate(der).publicKey;
      if (this.keys.size > 10_000) this.keys.clear();
      this.keys.set(serial, key);
    }
    return key;
  }

  private verifies(serial: string, der: Uint8Array, data: Buffer, signature: Buffer): boolean {
    try {
      return verify('sha256', data, { key: this.verifyKey(serial, der), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
    } catch {
      return false; // e.g. a signature longer than the modulus
    }
  }

  async accept(sessionLogin: string, e: Envelope): Promise<StoredMessage> {
    const { directory, records, store, now } = this.d;
    if (e.from !== sessionLogin) {
      throw new DomainError('forbidden', `You are logged in as "${sessionLogin}" and cannot send as "${e.from}".`, undefined, { reason: 'not_sender' });
    }
    const t = now().getTime();
    if (Math.abs(Date.parse(e.sentAt) - t) > CLOCK_WINDOW_MS) {
      throw reject('clock_skew', 'sentAt is more than 5 minutes away from the server clock; check your device time.');
    }

    const sender = await directory.get(e.from);
    const record = records.get(e.cert);
    if (!sender || !record || record.login !== e.from || !Buffer.from(sender.certificate).equals(Buffer.from(record.der))) {
      throw new CertificateRejected('not_owner', `Certificate ${e.cert} is not the current certificate of "${e.from}".`);
    }
    if (record.revokedAt) throw new CertificateRejected('revoked', `Certificate ${e.cert} was revoked on ${record.revokedAt}.`);
    if (t > Date.parse(record.notAfter)) throw new CertificateRejected('expired', `Certificate ${e.cert} expired on ${record.notAfter}; renew it.`);
    if (t < Date.parse(record.notBefore)) throw new CertificateRejected('not_yet_valid', `Certificate ${e.cert} is not valid yet.`);

    // Synchronous on purpose: one RSA-2048 verification takes about 25 µs, less than a trip
    // through libuv's thread pool, where WebCrypto would queue it behind slower jobs (the CA's
    // signatures, disk syncs; password hashes too, before they got threads of their own).
    // The schema let through canonical base64 only, so Node's lenient decoder reads it exactly.
    if (!this.verifies(record.serial, record.der, Buffer.from(envelopeSigningText(e)), Buffer.from(e.sig, 'base64'))) {
      throw reject('bad_signature', 'The envelope signature does not verify with the sender certificate.');
    }

    if (!(await directory.get(e.to))) throw reject('unknown_recipient', `No user is registered as "${e.to}".`);

    // Seen now, written before the insert so that the one disk sync the insert waits for covers both.
    this.d.presence.touch(e.from);
    const stored = await store.insert(e, new Date(t).toISOString());
    if (!stored) throw replay(e.id); // the id is taken: the unique index is the one check, race-free
    this.d.hub.message(stored);
    return stored;
  }
}

const replay = (id: string) => new DomainError('replay', `A message with id ${id} was already accepted.`, undefined, { reason: 'replay' });
