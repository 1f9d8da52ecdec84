// One conversation: history (newest page first, older pages on demand), live messages from the
// event stream, and sending. Every envelope, received or sent, of either version, goes through
// openAnyEnvelope; only a message that passed every check is shown, with the "Verified" badge. A
// message that holds no key for this device (sent before it was linked, protocol §6) says so
// calmly and shows nothing else; anything else is a warning bubble that names the failed check and
// shows none of the content. Messages go out as version 2 envelopes (§7), wrapped for every
// current certificate of both people, the sender's other devices included. A group conversation
// (ui/groups.ts) is this same conversation with its own recipients, checks and header.
import { pageTime } from './times.ts';
import { EnvelopeError, makeEnvelopeV2, type OpenedMessage, type OpenedMessageV2, type OpenFailure } from '../envelope.ts';
import { openWithDeviceKeys, sentBeforeThisDevice, type DeviceKeys } from '../device-keys.ts';
import { exportProof } from '../proof.ts';
import type { AttachmentV2, Envelope, EnvelopeV2 } from '../../protocol/envelope.ts';
import { importPublicKeys, type PublicKeys } from '../keys.ts';
import { x509 } from '../x509.ts';
import { ApiError, api } from './api.ts';
import { $, $$, downloadText, fromTemplate, must, setBusy } from './dom.ts';
import { getUnlocked, type UnlockedKey } from './keystore.ts';
import { CertificateProblem, certificateBySerial, chainPem, currentCertificate, deviceCertificates, remember, type DeviceCertificate, type KnownCertificate } from './certs.ts';
import { conversationOf, markRead, me, noteActivity, onMessage, seenBy } from './shell.ts';
import { sendWithRewrap } from '../groups.ts';
import type { ProofGroup } from '../proof.ts';
import { certificateFingerprint, changedSincePinned, pin } from './pins.ts';
import { groupedHex, revocationReasonText } from '../../shared/format.ts';
import { linkify } from './linkify.ts';
import { AttachmentTray, fileCards } from './attachments.ts';
import { pageLocale, t } from '../i18n.ts';
import type { ClientKey } from '../messages/index.ts';

const PAGE = 30;
/** A waiting message older than this is signed again with a fresh sentAt (the server allows 5 min). */
const STALE_MS = 4 * 60_000;
const NEWEST = '999999999999999';

/** What the history and the event stream carry: both versions (§7). */
export type AnyEnvelope = Envelope | EnvelopeV2;

interface HistoryPage {
  messages: AnyEnvelope[];
  /** The seq of the page's newest message. */
  cursor: string | null;
  first: string | null;
  more: boolean;
}

/**
 * `since`: the sender's certificate was revoked or expired after the message was signed. The
 * signature held when it was made, but the reader is told, and the badge is not green.
 */
export type Opened =
  | { ok: true; text: string; message: OpenedMessage | OpenedMessageV2; since?: string }
  /** `elsewhere`: genuine, but encrypted for the reader's other devices only (sent before this one was linked). */
  | { ok: false; reason: string; detail?: string; elsewhere?: boolean; template?: string };

/** How far a sender's clock may be off: the server refuses a sentAt further from its own (§5). */
const CLOCK_WINDOW_MS = 5 * 60_000;
const after = (sentAt: string, moment: string) => Date.parse(sentAt) > Date.parse(moment) + CLOCK_WINDOW_MS;

/**
 * What the sender's certificate's standing means for a message it signed at `sentAt`: a refusal
 * when its key was stolen (then any time may be forged) or when the message claims a time the
 * certificate was no longer in force (beyond the clock window); a caution when it was revoked
 * since for a reason that matters. Replaced by a renewal, or expired since, is the ordinary life
 * of a certificate: the signature held when it was made, and the message is verified.
 */
function senderStanding(sender: KnownCertificate, sentAt: string): { refuse: string } | { since: string } | undefined {
  if (sender.status === 'revoked') {
    const why = revocationReasonText(sender.revocationReason ?? 'unspecified', pageLocale());
    if (sender.revocationReason === 'keyCompromise') return { refuse: t('msg.standing.compromised') };
    // Undated, the sentence is another one: French cannot say "le" before "an unknown date".
    if (!sender.revokedAt) return { refuse: t('msg.standing.revoked.undated', { why }) };
    const when = pageTime(sender.revokedAt);
    if (after(sentAt, sender.revokedAt)) return { refuse: t('msg.standing.revoked.before', { when, why }) };
    if (sender.revocationReason !== 'superseded') return { since: t('msg.standing.revoked.since', { when, why }) };
  }
  if (sender.status === 'expired' && after(sentAt, sender.notAfter)) {
    return { refuse: t('msg.standing.expired', { when: pageTime(sender.notAfter, 'date') }) };
  }
  return undefined;
}

/**
 * What each failed check means for the reader; the check's own wording follows as the detail.
 * Keys, not words: the words are looked up when said, in the page's language.
 */
const FAILURE_KEY: Record<OpenFailure, ClientKey> = {
  malformed_envelope: 'msg.check.malformed.envelope',
  wrong_sender_certificate: 'msg.check.sender.certificate',
  bad_outer_signature: 'msg.check.signature.outer',
  not_addressed_to_me: 'msg.check.recipient',
  key_unwrap_failed: 'msg.check.unwrap',
  decrypt_failed: 'msg.check.decrypt',
  malformed_plaintext: 'msg.check.malformed.content',
  bad_inner_signature: 'msg.check.signature.inner',
  inner_outer_mismatch: 'msg.check.mismatch',
};
const failureText = (code: OpenFailure) => t(FAILURE_KEY[code]);

/** A reason not to send that the person can act on, said next to the message. */
export class SendProblem extends Error {}

let unlocked: UnlockedKey | undefined;
let myKeys: PublicKeys | undefined;
/** When this device's certificate began: a version 1 message from before cannot be for it. */
let myNotBefore = new Date(0);
let current: Conversation | undefined;

/** This device's keys as opening needs them: the current one, then those of earlier certificates. */
function deviceKeys(u: UnlockedKey): DeviceKeys {
  const earlier = (u.previousDecrypt ?? []).map((decryptKey, i) => ({ serial: u.previousSerials?.[i], decryptKey }));
  return { login: u.login, serial: u.serial, decryptKey: u.keys.decrypt, earlier };
}

export async function openOne(envelope: AnyEnvelope): Promise<Opened> {
  if (!unlocked) return { ok: false, reason: t('msg.key.locked') };
  try {
    const sender = await certificateBySerial(envelope.cert, envelope.from);
    const stand = senderStanding(sender, envelope.sentAt);
    if (stand && 'refuse' in stand) return { ok: false, reason: stand.refuse };
    const keys = deviceKeys(unlocked);
    const result = await openWithDeviceKeys(envelope, sender.cert, keys);
    if (result.status === 'verified') return { ok: true, text: result.message.text, message: result.message, ...(stand ? { since: stand.since } : {}) };
    if (result.status === 'not_for_this_device') return { ok: false, elsewhere: true, reason: result.reason };
    if (sentBeforeThisDevice(envelope, result.error.code, keys, myNotBefore)) return { ok: false, elsewhere: true, reason: result.error.message };
    return { ok: false, reason: failureText(result.error.code), detail: result.error.message };
  } catch (err) {
    // CertificateProblem and each EnvelopeError say in words which check failed.
    if (err instanceof EnvelopeError) return { ok: false, reason: failureText(err.code), detail: err.message };
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Non-repudiation: the message as its sender signed it, the signature, their certificate and the
 * CA chain, in one JSON file anyone can check with openssl alone (docs/client-crypto.md).
 */
async function saveProof(message: OpenedMessage | OpenedMessageV2, group?: ProofGroup): Promise<void> {
  const bundle = exportProof(message, await chainPem(), group);
  const stamp = message.plaintext.sentAt.replace(/[:.]/g, '-');
  downloadText(`proof-${message.plaintext.from}-${stamp}.json`, JSON.stringify(bundle, null, 2) + '\n', 'application/json');
}

const dayKey = (iso: string) => new Date(iso).toDateString();
function dayLabel(iso: string): string {
  const d = new Date(iso);
  const today = new Date();
  const yesterday = new Date(Date.now() - 86_400_000);
  if (d.toDateString() === today.toDateString()) return t('msg.day.today');
  if (d.toDateString() === yesterday.toDateString()) return t('msg.day.yesterday');
  return d.toLocaleDateString(pageLocale(), { weekday: 'long', day: 'numeric', month: 'long', year: d.getFullYear() === today.getFullYear() ? undefined : 'numeric' });
}
const timeLabel = (iso: string) => pageTime(iso, 'time');

export class Conversation {
  /** The other person's login, or the group's address ("group:" + id). */
  readonly peer: string;
  readonly section: HTMLElement;
  protected readonly list: HTMLOListElement;
  private readonly wrap: HTMLElement;
  private readonly olderButton: HTMLButtonElement;
  private readonly form: HTMLFormElement;
  protected readonly input: HTMLTextAreaElement;
  private peerCert?: KnownCertificate;
  /**
   * Every current certificate of both people, what a message is wrapped for (§7): fetched when
   * the conversation opens, again when the server says the devices changed.
   */
  private recipients?: Promise<DeviceCertificate[]>;
  /** Settles once the recipient's certificate is known (or known to be unusable). */
  private ready: Promise<void> = Promise.resolve();
  private first: string | null = null;
  /** The seq of the newest message shown: the read mark this page reports. */
  protected newest = 0;
  protected readonly items = new Map<string, HTMLLIElement>();
  /** One's own messages not sent yet for want of a connection, oldest first. */
  private waiting: HTMLLIElement[] = [];
  private flushing = false;
  /** The files picked for the next message, uploading. */
  private readonly tray: AttachmentTray;
  /** The uploaded files each of one's own bubbles not yet sent goes with (§8), for sealing and Retry. */
  private readonly attached = new WeakMap<HTMLLIElement, AttachmentV2[]>();

  constructor(section: HTMLElement) {
    this.section = section;
    this.peer = section.dataset.conversation!;
    this.list = must<HTMLOListElement>('[data-messages]', section);
    this.wrap = must('[data-log-wrap]', section);
    this.olderButton = must<HTMLButtonElement>('[data-action="older"]', section);
    this.form = must<HTMLFormElement>('[data-composer]', section);
    this.input = must<HTMLTextAreaElement>('[data-compose]', section);
    this.tray = new AttachmentTray(section);
  }

  async start(): Promise<void> {
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.sendFromInput();
    });
    // On a touch screen Enter is the keyboard's new line: the Send button sends (the hint that
    // says otherwise is hidden there, by the same media query in app.css).
    const touch = matchMedia('(pointer: coarse)');
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !touch.matches) {
        e.preventDefault();
        void this.sendFromInput();
      }
    });
    this.olderButton.addEventListener('click', () => void this.loadOlder());
    this.list.addEventListener('click', (e) => {
      const retry = (e.target as HTMLElement).closest<HTMLButtonElement>('[data-action="retry"]');
      const li = retry?.closest<HTMLLIElement>('.msg');
      if (li?.dataset.text !== undefined) {
        this.items.delete(li.dataset.id!);
        li.remove();
        void this.send(li.dataset.text, this.attached.get(li));
      }
    });
    this.ready = this.prepare();
    await Promise.all([this.ready, this.loadNewest()]);
    this.seen();
    this.afterLoad();
  }

  /** What must be known before sending: here the peer's certificate, and their devices ahead of the first message. */
  protected async prepare(): Promise<void> {
    try {
      this.peerCert = await currentCertificate(this.peer);
      if (this.peerCert.status === 'revoked' || this.peerCert.status === 'expired') {
        this.block(t(this.peerCert.status === 'revoked' ? 'msg.peer.revoked' : 'msg.peer.expired', { peer: this.peer }));
      } else {
        void this.announceKeyChange(this.peerCert);
      }
    } catch (err) {
      this.block(err instanceof Error ? err.message : String(err));
    }
    // A failure here is met again, and said, when sending.
    this.devices().catch(() => {});
  }

  /** Once the history is shown: the read receipt known so far. */
  protected afterLoad(): void {
    this.showSeen(seenBy(this.peer));
  }

  /** Whether a message can be sealed at all now. */
  protected canSend(): boolean {
    return Boolean(unlocked && myKeys && this.peerCert?.keys);
  }

  /** Opening for display: every check of the envelope (a group adds its own, ui/groups.ts). */
  protected open(envelope: AnyEnvelope): Promise<Opened> {
    return openOne(envelope);
  }

  /** The group a proof names (none in a conversation between two people). */
  protected proofGroup(_message: OpenedMessage | OpenedMessageV2): ProofGroup | undefined {
    return undefined;
  }

  /** The message's own elements, and its place in time: what a group shows as seen or as a change line. */
  protected entries(): HTMLLIElement[] {
    return $$<HTMLLIElement>('.msg, .log-event', this.list);
  }

  /**
   * A read receipt: the peer has read the conversation up to the message `id`. "Seen" goes on the
   * newest of one's own messages at or before it (and leaves the one it was on). A message not
   * shown here is older than every message loaded, so nothing shown is affected.
   */
  showSeen(id: string | undefined): void {
    const upTo = id && this.items.get(id);
    if (!upTo) return;
    let mine: HTMLLIElement | undefined;
    for (const m of $$<HTMLLIElement>('.msg', this.list)) {
      if (m.classList.contains('is-mine') && !m.classList.contains('is-pending') && !m.classList.contains('is-waiting') && !m.classList.contains('is-failed')) mine = m;
      if (m === upTo) break;
    }
    if (!mine || $('[data-seen]', mine)) return;
    for (const old of $$('[data-seen]', this.list)) old.remove();
    const state = must('.msg-state', mine);
    $('.msg-status', state)?.remove(); // "Sent" gives way to "Seen"
    state.prepend(fromTemplate('tpl-seen'));
  }

  /** A certificate other than the one this browser last saw for the peer: said until acknowledged. */
  private async announceKeyChange(known: KnownCertificate): Promise<void> {
    const viewer = me();
    if (!(await changedSincePinned(viewer, this.peer, known).catch(() => undefined))) return;
    const notice = must('[data-key-notice]', this.section);
    must('[data-key-notice-fingerprint]', notice).textContent = groupedHex(await certificateFingerprint(known));
    must<HTMLButtonElement>('[data-action="accept-key"]', notice).addEventListener('click', async () => {
      await pin(viewer, this.peer, known).catch(() => {}); // kept before it goes, so a reload agrees
      notice.hidden = true;
      this.input.focus();
    });
    notice.hidden = false;
  }

  /** When the person can see the conversation: everything shown counts as read, on every device. */
  seen(): void {
    if (document.visibilityState === 'visible') markRead(this.peer, this.newest);
  }

  protected block(reason: string): void {
    this.input.disabled = true;
    for (const b of $$<HTMLButtonElement>('[data-send], [data-action="attach"]', this.form)) b.disabled = true;
    const hint = $('.composer-hint span', this.section);
    if (hint) hint.textContent = reason;
    this.section.classList.add('is-blocked');
  }

  private async loadNewest(): Promise<void> {
    const loading = $('[data-log-loading]', this.section);
    try {
      const page = await api<HistoryPage>('GET', `/api/v1/messages?with=${encodeURIComponent(this.peer)}&before=${NEWEST}&limit=${PAGE}`);
      await this.addAll(page.messages, false);
      this.first = page.first;
      this.newest = Math.max(this.newest, Number(page.cursor ?? 0));
      this.olderButton.hidden = !page.more;
    } catch (err) {
      this.showLogError(err);
    } finally {
      if (loading) loading.hidden = true;
    }
    this.updateEmpty();
    this.scrollToEnd();
  }

  private async loadOlder(): Promise<void> {
    if (!this.first) return;
    setBusy(this.olderButton, true);
    const before = this.wrap.scrollHeight - this.wrap.scrollTop;
    try {
      const page = await api<HistoryPage>('GET', `/api/v1/messages?with=${encodeURIComponent(this.peer)}&before=${this.first}&limit=${PAGE}`);
      await this.addAll(page.messages, false);
      this.first = page.first ?? this.first;
      this.olderButton.hidden = !page.more;
      this.wrap.scrollTop = this.wrap.scrollHeight - before; // keep the reader where they were
    } catch (err) {
      this.showLogError(err);
    } finally {
      setBusy(this.olderButton, false);
    }
  }

  private showLogError(err: unknown): void {
    const p = document.createElement('p');
    p.className = 'form-error';
    p.setAttribute('role', 'alert');
    p.textContent = t('msg.history.error', { reason: err instanceof Error ? err.message : String(err) });
    this.list.before(p);
  }

  protected updateEmpty(): void {
    const empty = $('[data-log-empty]', this.section);
    if (empty) empty.hidden = this.items.size > 0;
  }

  protected nearEnd(): boolean {
    return this.wrap.scrollHeight - this.wrap.scrollTop - this.wrap.clientHeight < 120;
  }

  protected scrollToEnd(): void {
    this.wrap.scrollTop = this.wrap.scrollHeight;
  }

  /** The certificates to wrap for, fetched once and kept while they hold; a failed fetch is not kept. */
  private devices(): Promise<DeviceCertificate[]> {
    if (!this.recipients) {
      const fetched = Promise.all([deviceCertificates(me()), deviceCertificates(this.peer)]).then(([mine, theirs]) => [...mine, ...theirs]);
      fetched.catch(() => {
        if (this.recipients === fetched) this.recipients = undefined;
      });
      this.recipients = fetched;
    }
    return this.recipients;
  }

  private async addAll(envelopes: AnyEnvelope[], live: boolean): Promise<void> {
    const fresh = envelopes.filter((e) => !this.items.has(e.id));
    const opened = await Promise.all(fresh.map((e) => this.open(e)));
    // The history page and the event stream may bring the same message while it was being opened.
    fresh.forEach((e, i) => {
      if (!this.items.has(e.id)) this.place(this.render(e, opened[i], live));
    });
    this.redoDays();
  }

  /** Called for live messages of this conversation from the event stream (seq: the event id). */
  async receive(envelope: AnyEnvelope, seq: number): Promise<void> {
    const known = this.items.get(envelope.id);
    if (known) {
      // An attempt whose answer was lost did arrive: the stream says so before the next attempt.
      if (known.classList.contains('is-waiting') && envelope.from === me()) await this.sent(known, envelope);
      return;
    }
    const stick = this.nearEnd() || envelope.from === me();
    await this.addAll([envelope], true);
    this.updateEmpty();
    if (stick) this.scrollToEnd();
    // One's own messages are never unread: only a message from the peer moves the mark.
    if (envelope.from !== me()) {
      this.newest = Math.max(this.newest, seq);
      this.seen();
    }
  }

  protected render(e: AnyEnvelope, o: Opened, live: boolean): HTMLLIElement {
    const li = fromTemplate<HTMLLIElement>('tpl-message');
    li.dataset.id = e.id;
    li.dataset.at = e.sentAt;
    li.dataset.from = e.from;
    const mine = e.from === me();
    li.classList.toggle('is-mine', mine);
    if (live) {
      li.classList.add('is-new');
      li.addEventListener('animationend', () => li.classList.remove('is-new'), { once: true });
    }
    const bubble = must('.bubble', li);
    const text = must('.msg-text', li);
    const time = must<HTMLTimeElement>('.msg-time', li);
    time.dateTime = e.sentAt;
    time.textContent = timeLabel(e.sentAt);
    time.title = pageTime(e.sentAt);
    const state = must('.msg-state', li);
    if (o.ok) {
      text.replaceChildren(...linkify(o.text));
      if ('attachments' in o.message && o.message.attachments.length) text.after(fileCards(o.message.attachments));
      if (o.since) {
        const badge = fromTemplate('tpl-verified-since');
        badge.title = o.since;
        must('[data-since-text]', badge).textContent = o.since;
        state.append(badge);
      } else {
        state.append(fromTemplate('tpl-verified'));
      }
      li.classList.add('is-verified');
      if (!mine) {
        const proof = fromTemplate<HTMLButtonElement>('tpl-proof');
        proof.addEventListener('click', () => void saveProof(o.message, this.proofGroup(o.message)));
        state.append(proof);
      }
    } else if (o.elsewhere) {
      // Nothing is wrong with it: the words are the page's, calm, and nothing is said verified.
      li.classList.add('is-elsewhere');
      text.replaceWith(fromTemplate('tpl-elsewhere'));
    } else {
      li.classList.add('is-unverified');
      const warning = fromTemplate(o.template ?? 'tpl-warning');
      const reason = must('.msg-warning-reason', warning);
      reason.textContent = o.reason;
      // The check's own diagnostic is technical and stays in English: marked so, a French screen
      // reader pronounces it as English rather than mangling it.
      if (o.detail) reason.append(' (', Object.assign(document.createElement('span'), { lang: 'en', textContent: o.detail }), ')');
      text.replaceWith(warning);
    }
    const who = mine ? t('msg.bubble.you') : e.from;
    const standing = o.ok ? (o.since ? 'msg.bubble.since' : 'msg.bubble.verified') : o.elsewhere ? 'msg.bubble.elsewhere' : 'msg.bubble.unverified';
    bubble.setAttribute('aria-label', t(standing, { who, time: time.title }));
    this.items.set(e.id, li);
    return li;
  }

  /** In time order (sentAt), so pages and live messages interleave correctly. */
  protected place(li: HTMLLIElement): void {
    const at = li.dataset.at!;
    const after = this.entries()
      .reverse()
      .find((m) => (m.dataset.at ?? '') <= at);
    if (after) after.after(li);
    else this.list.prepend(li);
  }

  /** Day separators, and runs of messages from one sender within a few minutes drawn as a group. */
  protected redoDays(): void {
    for (const sep of $$('.day-sep', this.list)) sep.remove();
    let last = '';
    let prev: HTMLLIElement | undefined;
    for (const m of this.entries()) {
      const key = dayKey(m.dataset.at!);
      if (key !== last) {
        const sep = fromTemplate<HTMLLIElement>('tpl-day');
        must('span', sep).textContent = dayLabel(m.dataset.at!);
        m.before(sep);
        last = key;
        prev = undefined;
      }
      const close = prev && m.classList.contains('msg') && prev.classList.contains('msg') && prev.dataset.from === m.dataset.from && Date.parse(m.dataset.at!) - Date.parse(prev.dataset.at!) < 5 * 60_000;
      m.classList.toggle('is-cont', Boolean(close));
      prev = m;
    }
  }

  private async sendFromInput(): Promise<void> {
    // Someone quick may type before the recipient's certificate has arrived: wait for it.
    await this.ready;
    if ((!this.input.value.trim() && !this.tray.size) || this.input.disabled) return;
    let attachments: AttachmentV2[];
    try {
      attachments = await this.tray.take();
    } catch {
      return; // the tray said which file was refused; the text stays to send again
    }
    // Read after the uploads: what was typed while they finished goes too.
    const text = this.input.value;
    if (!text.trim() && !attachments.length) return;
    this.input.value = '';
    await this.send(text, attachments);
    this.input.focus();
  }

  /**
   * A new message: its bubble at once, then sent. Written while offline (or behind others still
   * waiting), it waits in order and goes when the connection returns (flush).
   */
  private async send(text: string, attachments: AttachmentV2[] = []): Promise<void> {
    await this.ready;
    if (!this.canSend()) return;
    const li = this.pendingBubble(text, attachments);
    if (!navigator.onLine || this.waiting.length) {
      this.wait(li);
      void this.flush();
      return;
    }
    if ((await this.deliver(li)) === 'waiting') this.wait(li);
  }

  private pendingBubble(text: string, attachments: AttachmentV2[]): HTMLLIElement {
    const id = crypto.randomUUID();
    const li = fromTemplate<HTMLLIElement>('tpl-message');
    li.dataset.id = id;
    li.dataset.from = me();
    li.dataset.text = text;
    li.classList.add('is-mine', 'is-pending');
    must('.msg-text', li).replaceChildren(...linkify(text));
    if (attachments.length) {
      this.attached.set(li, attachments);
      must('.msg-text', li).after(fileCards(attachments, false));
    }
    this.stamp(li, new Date().toISOString());
    must('.msg-state', li).replaceChildren(fromTemplate('tpl-sending'));
    this.items.set(id, li);
    this.list.append(li);
    this.redoDays();
    this.updateEmpty();
    this.scrollToEnd();
    return li;
  }

  private stamp(li: HTMLLIElement, sentAt: string): void {
    li.dataset.at = sentAt;
    const time = must<HTMLTimeElement>('.msg-time', li);
    time.dateTime = sentAt;
    time.textContent = timeLabel(sentAt);
  }

  /** Marked as waiting for the connection (not as failed), last in the queue. */
  private wait(li: HTMLLIElement): void {
    li.classList.replace('is-pending', 'is-waiting');
    li.classList.add('is-waiting');
    must('.msg-state', li).replaceChildren(fromTemplate('tpl-waiting'));
    if (!this.waiting.includes(li)) this.waiting.push(li);
  }

  /** What waits, in the order it was written; stops at the first that still cannot go. */
  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.waiting.length && navigator.onLine) {
        const li = this.waiting[0];
        if (li.isConnected && li.classList.contains('is-waiting')) {
          must('.msg-state', li).replaceChildren(fromTemplate('tpl-sending'));
          if ((await this.deliver(li)) === 'waiting') {
            must('.msg-state', li).replaceChildren(fromTemplate('tpl-waiting'));
            break;
          }
        }
        this.waiting = this.waiting.filter((w) => w !== li); // sent, failed, or gone
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * One attempt to send the bubble's message, under the bubble's id, so the server never keeps it
   * twice: an id it already has (a replay: the answer to an earlier attempt was lost) counts as
   * sent. The server takes a sentAt within 5 minutes of its clock: a message that waited longer is
   * signed again with a fresh one, unless an earlier attempt did arrive.
   */
  private async deliver(li: HTMLLIElement): Promise<'sent' | 'waiting' | 'failed'> {
    if (!this.canSend()) return 'failed';
    const id = li.dataset.id!;
    try {
      if (Date.now() - Date.parse(li.dataset.at!) > STALE_MS) {
        const stored = li.dataset.tried ? await this.storedEnvelope(id) : undefined;
        if (stored) {
          await this.sent(li, stored);
          return 'sent';
        }
        this.stamp(li, new Date().toISOString());
      }
      // A device was linked or retired since the list was fetched, or (in a group) a member came
      // or went (§7): wrapped again for the current list; a refusal after that is said next to the
      // message, with Retry.
      const envelope = await sendWithRewrap(
        (fresh) => {
          li.dataset.tried = '1';
          return this.seal(li, fresh);
        },
        (e) => this.post(e),
        this.attempts,
      );
      await this.sent(li, envelope);
      return 'sent';
    } catch (err) {
      if (err instanceof ApiError && err.code === 'network') return 'waiting';
      li.classList.remove('is-pending', 'is-waiting');
      li.classList.add('is-failed');
      const failed = fromTemplate('tpl-failed');
      must('.msg-failed-text', failed).textContent = this.failureText(err);
      must('.msg-state', li).replaceChildren(failed);
      return 'failed';
    }
  }

  /** Sealings in all before a refusal is shown: once again after 409 recipients_changed. */
  protected readonly attempts: number = 2;

  /** The bubble's message as a version 2 envelope for every current device of both people; `fresh`: the lists read again. */
  protected async seal(li: HTMLLIElement, fresh: boolean): Promise<EnvelopeV2> {
    const u = unlocked!;
    if (fresh) this.recipients = undefined;
    const devices = await this.devices();
    // Another tab may have renewed this device's certificate, or it was retired: this page's key is not current.
    if (!devices.some((d) => d.login === u.login && d.serial === u.serial)) {
      throw new SendProblem(t('msg.send.notcurrent'));
    }
    return makeEnvelopeV2({
      signKey: u.keys.sign,
      from: u.login,
      senderCertSerial: u.serial,
      to: this.peer,
      text: li.dataset.text ?? '',
      attachments: this.attachedTo(li),
      recipients: devices.map((d) => ({ serial: d.serial, publicKey: d.keys.encrypt })),
      id: li.dataset.id!,
      sentAt: new Date(li.dataset.at!),
    });
  }

  /** The files a bubble of one's own goes with, as the plaintext describes them (§8). */
  protected attachedTo(li: HTMLLIElement): AttachmentV2[] {
    return this.attached.get(li) ?? [];
  }

  /** An id the server already has counts as sent: the answer to an earlier attempt was lost. */
  private async post(envelope: EnvelopeV2): Promise<void> {
    try {
      await api('POST', '/api/v1/messages', envelope);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'replay')) throw err;
    }
  }

  protected failureText(err: unknown): string {
    if (err instanceof ApiError && err.code === 'recipients_changed') {
      return t('msg.send.changed', { peer: this.peer });
    }
    if (err instanceof ApiError || err instanceof SendProblem || err instanceof CertificateProblem || err instanceof EnvelopeError) return t('msg.send.failed.reason', { reason: err.message });
    return t('msg.send.failed');
  }

  /** The envelope the server keeps under this id, if an earlier attempt did arrive. */
  private async storedEnvelope(id: string): Promise<AnyEnvelope | undefined> {
    const page = await api<HistoryPage>('GET', `/api/v1/messages?with=${encodeURIComponent(this.peer)}&before=${NEWEST}&limit=200`);
    return page.messages.find((m) => m.id === id && m.from === me());
  }

  /** Accepted by the server: the bubble becomes the message as the recipient will check it. */
  private async sent(li: HTMLLIElement, envelope: AnyEnvelope): Promise<void> {
    noteActivity(this.peer, envelope.sentAt, false);
    // Shown as verified only after the same checks the recipient makes.
    const opened = await this.open(envelope);
    const done = this.render(envelope, opened, false);
    delete done.dataset.text;
    done.classList.add('is-sent');
    must('.msg-state', done).prepend(fromTemplate('tpl-sent'));
    if (li.isConnected) li.replaceWith(done);
    this.waiting = this.waiting.filter((w) => w !== li);
    this.afterSent();
  }

  /** Once one's own message is shown as sent: read receipts that came first may now be shown on it. */
  protected afterSent(): void {
    this.showSeen(seenBy(this.peer));
  }
}

function lockedNotice(section: HTMLElement): void {
  const log = must('[data-log-wrap]', section);
  const box = document.createElement('div');
  box.className = 'log-empty';
  box.setAttribute('role', 'alert');
  const title = document.createElement('p');
  const strong = document.createElement('strong');
  strong.textContent = t('msg.key.locked');
  title.append(strong);
  const text = document.createElement('p');
  text.className = 'muted';
  text.textContent = t('msg.locked.text');
  const a = document.createElement('a');
  a.className = 'btn btn-primary';
  a.href = '/login';
  a.textContent = t('msg.locked.login');
  box.append(title, text, a);
  log.replaceChildren(box);
  for (const el of $$<HTMLTextAreaElement | HTMLButtonElement>('textarea, button[data-send], button[data-action="attach"]', section)) el.disabled = true;
}

/** Conversations other than with one person (ui/groups.ts): each claims the sections it draws. */
const kinds: ((section: HTMLElement) => Conversation | undefined)[] = [];
export function registerConversation(make: (section: HTMLElement) => Conversation | undefined): void {
  kinds.push(make);
}

/** The conversation open on the page now, if any. */
export const openConversation = (): Conversation | undefined => current;

/** This device's key, open in this browser (undefined while locked): what a group message is signed with. */
export const unlockedKey = (): UnlockedKey | undefined => (myKeys ? unlocked : undefined);

/** Starts the conversation whose section is on the page, unless it is running already. */
export function startConversation(): void {
  const section = $('[data-conversation]');
  if (!section || section === current?.section) return;
  if (!unlocked) {
    current = undefined;
    lockedNotice(section);
    return;
  }
  current = kinds.map((make) => make(section)).find(Boolean) ?? new Conversation(section);
  void current.start();
}

function updatePeerPresence(detail: { login: string; online: boolean }): void {
  if (!current || detail.login !== current.peer) return;
  const sub = $('#conv-presence .presence-text', current.section);
  if (sub) {
    sub.classList.toggle('is-online', detail.online);
    sub.textContent = t(detail.online ? 'msg.presence.online' : 'msg.presence.recent');
  }
  $(`.conv-head [data-presence-dot]`, current.section)?.classList.toggle('is-online', detail.online);
}

export async function initChat(): Promise<void> {
  unlocked = await getUnlocked(me()).catch(() => undefined);
  if (unlocked) {
    const mine = new x509.X509Certificate(unlocked.certificate);
    myKeys = await importPublicKeys(mine);
    myNotBefore = mine.notBefore;
    remember({ serial: unlocked.serial, login: unlocked.login, status: 'valid', notAfter: mine.notAfter.toISOString(), cert: mine, keys: myKeys });
  }
  onMessage(({ seq, envelope }) => {
    if (!current || current.peer !== conversationOf(envelope)) return false;
    void current.receive(envelope, seq);
    return document.visibilityState === 'visible';
  });
  document.body.addEventListener('presence', (e) => updatePeerPresence((e as CustomEvent).detail));
  document.body.addEventListener('seen', (e) => {
    const { with: peer, id } = (e as CustomEvent<{ with: string; id: string }>).detail;
    if (current?.peer === peer) current.showSeen(id);
  });
  // Picking another conversation swaps the frame (htmx); start the new one and put the cursor in it.
  document.body.addEventListener('htmx:after:swap', () => {
    const before = current?.section;
    startConversation();
    if (current && current.section !== before) {
      const input = $<HTMLTextAreaElement>('[data-compose]', current.section);
      if (input && !input.disabled && matchMedia('(min-width: 761px)').matches) input.focus();
      else $<HTMLElement>('#conv-title')?.focus();
    } else if (!$('[data-conversation]')) {
      current = undefined;
    }
  });
  document.addEventListener('visibilitychange', () => {
    current?.seen();
  });
  // Back online (the browser says so, or the event stream is open again): what waits goes.
  window.addEventListener('online', () => void current?.flush());
  document.body.addEventListener('connection-back', () => void current?.flush());
  startConversation();
}
