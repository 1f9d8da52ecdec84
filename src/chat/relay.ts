// Accepting an envelope (protocol §5). The server reads nothing inside: it checks who sends, with
// which certificate, that the outer signature holds, that the recipient exists, that the id is new
// and the clock plausible; then it stores the envelope durably and only then announces it.
import { CertificateRejected, DomainError } from '../protocol/errors.ts';
import { envelopeSigningText, isGroupAddress } from '../protocol/envelope.ts';
import type { Directory } from '../directory/directory.ts';
import { currentCertificates, isDeviceOf } from '../pki/current.ts';
import type { CertificateRecord, CertificateRecords } from '../pki/records.ts';
import type { Hub } from './hub.ts';
import type { AnyEnvelope, MessageStore, StoredMessage } from './messages.ts';
import type { Presence } from './presence.ts';
import type { GroupStore } from './groups.ts';
import type { AttachmentRecords } from './attachments.ts';
import { groupIdOf } from '../protocol/groups.ts';
import { errorText, type Said } from '../protocol/error-messages.ts';

export const CLOCK_WINDOW_MS = 5 * 60_000;

export interface RelayDeps {
  directory: Directory;
  records: CertificateRecords;
  store: MessageStore;
  groups: GroupStore;
  /** Protocol §8: an envelope lists only files its sender uploaded. */
  uploads: Pick<AttachmentRecords, 'uploadedBy'>;
  hub: Hub;
  presence: Presence;
  now: () => Date;
}

const reject = (reason: string, message: string | Said) => new DomainError('message_rejected', message, undefined, { reason });

export class Relay {
  private readonly d: RelayDeps;

  constructor(deps: RelayDeps) {
    this.d = deps;
  }

  async accept(sessionLogin: string, e: AnyEnvelope): Promise<StoredMessage> {
    const { directory, records, store, now } = this.d;
    if (e.from !== sessionLogin) {
      throw new DomainError('forbidden', errorText('error.relay.notSender', { login: sessionLogin, from: e.from }), undefined, { reason: 'not_sender' });
    }
    const t = now().getTime();
    if (Math.abs(Date.parse(e.sentAt) - t) > CLOCK_WINDOW_MS) {
      throw reject('clock_skew', errorText('error.relay.clockSkew'));
    }

    // A record is only ever issued to a registered login, so it answers for the sender too.
    const record = await records.get(e.cert);
    if (!record || !isDeviceOf(e.from, record)) {
      throw new CertificateRejected('not_owner', errorText('error.relay.notOwner', { serial: e.cert, login: e.from }));
    }
    if (record.revokedAt) throw new CertificateRejected('revoked', errorText('error.relay.revoked', { serial: e.cert, at: String(record.revokedAt) }));
    if (t > Date.parse(record.notAfter)) throw new CertificateRejected('expired', errorText('error.relay.expired', { serial: e.cert, at: record.notAfter }));
    if (t < Date.parse(record.notBefore)) throw new CertificateRejected('not_yet_valid', errorText('error.relay.notYetValid', { serial: e.cert }));

    let members: string[] | undefined;
    if (isGroupAddress(e.to)) members = await this.checkGroup(e);
    else {
      if (!(await directory.get(e.to))) throw reject('unknown_recipient', errorText('error.user.unknown', { login: e.to }));
      await this.checkRecipients(e);
    }

    const files = e.v === 2 ? e.files : undefined;
    if (files) await this.checkFiles(e.from, files);

    // Seen now, written before the message so that the disk sync the message waits for covers both.
    this.d.presence.touch(e.from);
    // The signature is checked with the write, off the event loop (see the store's adapter).
    const admitted = await store.admit({
      envelope: e,
      receivedAt: new Date(t).toISOString(),
      signedText: envelopeSigningText(e),
      signer: { serial: record.serial, der: record.der },
      ...(members && e.v === 2 && e.epoch !== undefined ? { group: { id: groupIdOf(e.to), epoch: e.epoch } } : {}),
      ...(files ? { files } : {}),
    });
    if ('refused' in admitted) {
      // The group changed between the check above and the write: the sender wraps again.
      if (admitted.refused === 'stale_epoch') return this.accept(sessionLogin, e);
      if (admitted.refused === 'unknown_file') throw unknownFile();
      if (admitted.refused === 'bad_signature') throw reject('bad_signature', errorText('error.relay.badSignature'));
      throw replay(e.id); // the id is taken: the unique index is the one check, race-free
    }
    const stored = admitted.stored;
    this.d.hub.message(stored, members);
    return stored;
  }

  /** Protocol §8: each listed file is one the sender uploaded (and the sweep has not deleted). */
  private async checkFiles(from: string, files: readonly string[]): Promise<void> {
    const uploaded = await Promise.all(files.map((id) => this.d.uploads.uploadedBy(id, from)));
    if (!uploaded.every(Boolean)) throw unknownFile();
  }

  /**
   * Protocol §7 for a group: the sender is a member, the envelope names the group's current epoch,
   * and the key is wrapped for exactly every current certificate of every member. The members at
   * that epoch are who the message goes to.
   */
  private async checkGroup(e: AnyEnvelope): Promise<string[]> {
    const id = groupIdOf(e.to);
    const group = await this.d.groups.get(id);
    if (!group || !group.members.some((m) => m.login === e.from)) {
      // A former member knows the group: tell them why; anyone else learns nothing of it.
      if (group && (await this.d.groups.everMember(id, e.from))) {
        throw new DomainError('forbidden', errorText('error.relay.noLongerMember'), undefined, { reason: 'not_member' });
      }
      throw new DomainError('not_found', errorText('error.group.notMember', { id }));
    }
    if (e.v === 1) throw reject('malformed', errorText('error.relay.groupV2'));
    const members = group.members.map((m) => m.login);
    const certificates = await Promise.all(members.map((login) => currentCertificates(this.d.records, login)));
    const expected = serialsOf(certificates.flat());
    if (e.epoch !== group.epoch || !keysFor(e.keys, expected)) throw recipientsChanged(expected, false, group.epoch);
    return members;
  }

  /**
   * Protocol §7: the message key is wrapped for exactly the current certificates of both people,
   * the sender's other devices included, so no device is left out and no revoked one is let in. A
   * version 1 envelope (keys by login) stays accepted while each has exactly one.
   */
  private async checkRecipients(e: AnyEnvelope): Promise<void> {
    const { records } = this.d;
    const [mine, theirs] = await Promise.all([currentCertificates(records, e.from), currentCertificates(records, e.to)]);
    const expected = serialsOf([...mine, ...theirs]);
    if (e.v === 1) {
      if (mine.length === 1 && theirs.length === 1) return;
      throw recipientsChanged(expected, true);
    }
    if (!keysFor(e.keys, expected)) throw recipientsChanged(expected, false);
  }
}

/** The certificates' serials, each once. */
function serialsOf(records: readonly CertificateRecord[]): Set<string> {
  const serials = new Set<string>();
  for (const r of records) serials.add(r.serial);
  return serials;
}

/**
 * Whether an envelope's keys are for exactly the `expected` certificate serials, none more, none
 * less. Compared as sets, with nothing sorted: this runs for every message.
 */
function keysFor(keys: Readonly<Record<string, unknown>>, expected: ReadonlySet<string>): boolean {
  const given = Object.keys(keys);
  return given.length === expected.size && given.every((serial) => expected.has(serial));
}

/** The refusal names the serials the key must be wrapped for, sorted. */
function recipientsChanged(serials: ReadonlySet<string>, v1: boolean, epoch?: number): DomainError {
  const expected = [...serials].sort();
  const message = v1
    ? errorText('error.relay.severalDevices')
    : epoch !== undefined
      ? errorText('error.relay.groupChanged', { epoch: String(epoch) })
      : errorText('error.relay.devicesChanged');
  return new DomainError('recipients_changed', message, undefined, { expected, ...(epoch !== undefined ? { epoch } : {}) });
}

const unknownFile = () =>
  reject('unknown_file', errorText('error.relay.unknownFile'));

const replay = (id: string) => new DomainError('replay', errorText('error.relay.replay', { id }), undefined, { reason: 'replay' });
