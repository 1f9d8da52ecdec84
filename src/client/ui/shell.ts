// What every signed-in page shares: the event stream (messages, presence, read receipts), the
// connection banner (offline, reconnecting), unread counts, system notifications, the notice of
// logins refused since the last one, list filters, and logging out.
import { pageTime, pageAgo } from './times.ts';
import { GROUP_PREFIX, isGroupAddress, type Envelope, type EnvelopeV2 } from '../../protocol/envelope.ts';
import type { DeviceRequestEvent } from '../../protocol/device-link.ts';
import { deviceText } from '../../shared/format.ts';
import { LOGIN_NOTICE_KEY } from './signin.ts';
import { initNotifications, notifyMessage } from './notify.ts';
import { ApiError, api, requestsSettled } from './api.ts';
import { $, $$ } from './dom.ts';
import { forgetUnlocked } from './keystore.ts';
import { pageLocale, t } from '../i18n.ts';

export interface IncomingMessage {
  seq: number;
  envelope: Envelope | EnvelopeV2;
}

/** Which conversation an envelope belongs to: the group it was sent to, else the other person. */
export function conversationOf(envelope: Pick<Envelope, 'from' | 'to'>): string {
  if (isGroupAddress(envelope.to)) return envelope.to;
  return envelope.from === me() ? envelope.to : envelope.from;
}

/** A page that shows a conversation claims the messages it displays; the rest count as unread. */
type MessageHandler = (m: IncomingMessage) => boolean;
let messageHandler: MessageHandler | undefined;
export const onMessage = (h: MessageHandler) => {
  messageHandler = h;
};

export const me = (): string => document.body.dataset.me ?? '';

// ---------- unread counts (kept on the server, so every device agrees: counts and seqs only) ----------
// GET /api/v1/conversations gives the counts; messages from the stream add to them; a `read` event
// (this user read on another tab or device) sets what is left. `seq` is the newest message each
// count accounts for: a message at or below it is already counted (two sources, one message).
interface UnreadEntry {
  unread: number;
  lastAt?: string;
  seq: number;
  /** The highest mark this page sent, so a conversation left open does not post it again. */
  reported: number;
  /** Marks sent and not answered yet: counts fetched meanwhile may predate them. */
  posting: number;
}
const unread = new Map<string, UnreadEntry>();
const entryFor = (peer: string): UnreadEntry => {
  let e = unread.get(peer);
  if (!e) unread.set(peer, (e = { unread: 0, seq: 0, reported: 0, posting: 0 }));
  return e;
};

interface ConversationSummary {
  with: string;
  unread: number;
  lastSeq: string;
  lastAt: string;
  /** How far `with` has read the conversation: the seq and envelope id of that message. */
  seenUpTo?: string;
  seenId?: string;
}

// ---------- read receipts: how far each person has read their conversation with this user ----------
const seen = new Map<string, { upTo: number; id: string }>();
/** The envelope id up to which peer has read the conversation, if they have read any of it. */
export const seenBy = (peer: string): string | undefined => seen.get(peer)?.id;
function applySeen(peer: string, upTo: number, id: string): void {
  const known = seen.get(peer);
  if (known && known.upTo >= upTo) return;
  seen.set(peer, { upTo, id });
  document.body.dispatchEvent(new CustomEvent('seen', { detail: { with: peer, id } }));
}

/**
 * The server's counts; a conversation this page has heard newer messages of keeps its own.
 * Answers the newest seq the counts cover.
 */
async function loadUnread(): Promise<number> {
  const { conversations } = await api<{ conversations: ConversationSummary[] }>('GET', '/api/v1/conversations');
  let newest = 0;
  for (const c of conversations) {
    newest = Math.max(newest, Number(c.lastSeq));
    if (c.seenUpTo && c.seenId) applySeen(c.with, Number(c.seenUpTo), c.seenId);
    applySummary(c);
  }
  renderUnread();
  return newest;
}

/** A conversation's count as the server gave it, unless this page has heard of newer messages. */
function applySummary(c: Pick<ConversationSummary, 'with' | 'unread' | 'lastSeq' | 'lastAt'>): void {
  const e = entryFor(c.with);
  const lastSeq = Number(c.lastSeq);
  if (lastSeq < e.seq || e.posting) return;
  e.seq = lastSeq;
  e.unread = c.unread;
  if (!e.lastAt || e.lastAt < c.lastAt) e.lastAt = c.lastAt;
}

/**
 * Counts /api/v1/conversations does not give: a group the reader was removed from or left is
 * listed by GET /api/v1/groups/former only (ui/groups.ts).
 */
export function noteSummaries(list: Pick<ConversationSummary, 'with' | 'unread' | 'lastSeq' | 'lastAt'>[]): void {
  for (const c of list) applySummary(c);
  renderUnread();
}

/** `seq` (the stream's message id) keeps a message counted once, whichever source told of it first. */
export function noteActivity(peer: string, at: string, isUnread: boolean, seq = 0): void {
  const e = entryFor(peer);
  if (seq && seq <= e.seq) return;
  if (seq) e.seq = seq;
  if (!e.lastAt || e.lastAt < at) e.lastAt = at;
  if (isUnread) e.unread += 1;
  renderUnread();
  // Lists ordered by the newest message (the groups, ui/groups.ts) move the conversation up.
  if (seq) document.body.dispatchEvent(new CustomEvent('activity', { detail: { with: peer, seq, at } }));
}

/**
 * The person has seen the conversation with peer up to the message `upTo` (a seq; 0 when none is
 * known yet): the badge clears here at once, and the server keeps the mark for the other devices.
 */
export function markRead(peer: string, upTo = 0): void {
  const e = entryFor(peer);
  e.unread = 0;
  renderUnread();
  if (upTo <= e.reported) return;
  e.reported = upTo;
  e.posting++;
  api('POST', `/api/v1/conversations/${encodeURIComponent(peer)}/read`, { upTo: String(upTo) })
    .catch(() => {
      e.reported = Math.min(e.reported, upTo - 1); // try again with the next message seen
    })
    .finally(() => e.posting--);
}

/** The user read on another tab or device (or on this one: the same answer again). */
function applyRead(data: { with: string; upTo: string; unread: number; lastSeq: string }): void {
  const e = entryFor(data.with);
  const lastSeq = Number(data.lastSeq);
  e.reported = Math.max(e.reported, Number(data.upTo));
  // Events arrive in order: a message newer than lastSeq comes after this event, never before.
  if (lastSeq >= e.seq) {
    e.seq = lastSeq;
    e.unread = data.unread;
  }
  renderUnread();
}

const baseTitle = document.title.replace(/^\(\d+\) /, '');
export function renderUnread(): void {
  let total = 0;
  for (const [peer, e] of unread) {
    total += e.unread;
    for (const badge of $$(`[data-unread-for="${CSS.escape(peer)}"]`)) {
      badge.textContent = String(e.unread);
      badge.hidden = e.unread === 0;
      badge.setAttribute('aria-label', t('msg.unread', { count: e.unread }));
      badge.closest('.conv')?.classList.toggle('has-unread', e.unread > 0);
    }
    for (const when of $$(`[data-last-at="${CSS.escape(peer)}"]`)) {
      when.textContent = e.lastAt ? shortWhen(e.lastAt) : '';
    }
  }
  for (const badge of $$('[data-unread-total]')) {
    badge.textContent = String(total);
    badge.hidden = total === 0;
    badge.setAttribute('aria-label', t('msg.unread', { count: total }));
  }
  document.title = total ? `(${total}) ${baseTitle}` : baseTitle;
}

/** The time for today's last message, else its day: both as every other page writes them. */
function shortWhen(iso: string): string {
  return pageTime(iso, new Date(iso).toDateString() === new Date().toDateString() ? 'time' : 'date');
}

// ---------- filters (directory, conversation list) ----------
function applyFilter(input: HTMLInputElement): void {
  const scope = $(`[data-filter-scope="${input.dataset.filter}"]`);
  if (!scope) return;
  const q = input.value.trim().toLowerCase();
  let shown = 0;
  for (const item of $$('[data-search]', scope)) {
    const hit = !q || (item.dataset.search ?? '').includes(q);
    item.hidden = !hit;
    if (hit) shown++;
  }
  const empty = $('[data-filter-empty]', scope);
  if (empty) empty.hidden = shown > 0;
}
function bindFilters(): void {
  document.addEventListener('input', (e) => {
    const t = e.target as HTMLElement;
    if (t instanceof HTMLInputElement && t.dataset.filter) applyFilter(t);
  });
}

// ---------- the connection: the browser's own idea (navigator.onLine) and the event stream's ----------
const connection = { streamLost: false, replaced: false };
/** The banner under the top bar says what is wrong with the connection, and nothing when all is well. */
function showConnection(): void {
  const banner = $('[data-connection]');
  if (!banner || connection.replaced) return;
  const text = !navigator.onLine ? t('msg.connection.offline') : connection.streamLost ? t('msg.connection.lost') : '';
  banner.classList.toggle('is-offline', !navigator.onLine);
  if (text) banner.textContent = text;
  banner.hidden = !text;
}
function watchConnection(): void {
  window.addEventListener('offline', showConnection);
  window.addEventListener('online', showConnection);
  showConnection();
}

// ---------- the event stream ----------
/**
 * `resumeFrom`: the newest seq the counts already cover. The stream then starts right after it, so
 * a message that arrives meanwhile is counted even when another device of this user was delivered
 * it first (without it, the stream starts after the last message any device was delivered).
 */
/**
 * Set once this page starts leaving on its own (Log out, a revocation, any link): the stream the
 * server ends with that session is then expected, and must not send the page to "session ended"
 * instead of where it was going.
 */
let leaving = false;
globalThis.navigation?.addEventListener('navigate', (e) => {
  // A download link (the certificate, the CA chain) is a navigation that stays on the page.
  if (!e.destination.sameDocument && e.downloadRequest === null) leaving = true;
});

/**
 * For an action that ends the session on purpose (revoking the certificate): from the click on,
 * the stream's end is expected. Returns how to take that back when the action fails.
 */
export function leaveOnPurpose(): () => void {
  leaving = true;
  return () => {
    leaving = false;
  };
}

/** The page's live stream, closed before the page logs out. */
let liveStream: EventSource | undefined;

function connect(resumeFrom?: number): void {
  // Leaving already (Log out clicked while the counts loaded): a stream would only be refused.
  if (leaving) return;
  let opened = false;
  const source = new EventSource(`/api/v1/events${resumeFrom === undefined ? '' : `?lastEventId=${resumeFrom}`}`);
  liveStream = source;
  source.addEventListener('ready', () => {
    // The counts again, now that read events reach this page: one that another device caused
    // before the stream was open (the first time: between the counts and the stream; later: while
    // the connection was lost) would otherwise be missed.
    void loadUnread().catch(() => {});
    opened = true;
    const wasLost = connection.streamLost;
    connection.streamLost = false;
    showConnection();
    // Pages with something waiting for the connection (messages written offline) send it now.
    if (wasLost) document.body.dispatchEvent(new CustomEvent('connection-back'));
  });
  source.addEventListener('message', (e) => {
    let envelope: Envelope | EnvelopeV2;
    try {
      envelope = JSON.parse((e as MessageEvent<string>).data) as Envelope | EnvelopeV2;
    } catch {
      return;
    }
    const seq = Number((e as MessageEvent).lastEventId) || 0;
    const shown = messageHandler?.({ seq, envelope }) ?? false;
    const peer = conversationOf(envelope);
    const fresh = seq > (unread.get(peer)?.seq ?? 0);
    noteActivity(peer, envelope.sentAt, !shown && envelope.from !== me(), seq);
    // Only news: not a message an earlier source already counted, nor one sent long before.
    if (!shown && fresh && envelope.from !== me() && Date.now() - Date.parse(envelope.sentAt) < 5 * 60_000) notifyMessage(envelope.from, isGroupAddress(peer) ? peer.slice(GROUP_PREFIX.length) : undefined);
  });
  // Events a later server may shape differently: one this page cannot read is skipped.
  const onData = <T,>(name: string, apply: (data: T) => void) =>
    source.addEventListener(name, (e) => {
      try {
        apply(JSON.parse((e as MessageEvent<string>).data) as T);
      } catch {
        // not for this version of the page
      }
    });
  onData('read', applyRead);
  // In a group (§7) `with` is the group and `reader` who read: the group page counts them ("Seen by").
  onData<{ with: string; reader?: string; upTo: string; id: string }>('seen', (d) => {
    if (d.reader && isGroupAddress(d.with)) document.body.dispatchEvent(new CustomEvent('group-seen', { detail: d }));
    else applySeen(d.with, Number(d.upTo), d.id);
  });
  // A group changed (§7): the chat list and an open group conversation follow (ui/groups.ts).
  onData<unknown>('group', (d) => document.body.dispatchEvent(new CustomEvent('group', { detail: d })));
  // A new device asks to be linked (protocol §6): the prompt (device-requests.ts) is every page's.
  onData<DeviceRequestEvent>('device_request', (d) => document.body.dispatchEvent(new CustomEvent('device-request', { detail: d })));
  // The server ended the stream on purpose: reconnecting would only meet the same end.
  onData<{ reason: string }>('end', async ({ reason }) => {
    if (reason === 'shutdown') return; // a restart: EventSource reconnects by itself
    source.close();
    if (leaving) return;
    if (reason === 'replaced') {
      connection.replaced = true;
      const banner = $('[data-connection]');
      if (banner) {
        banner.textContent = t('msg.connection.replaced');
        banner.hidden = false;
      }
      return;
    }
    await forgetUnlocked().catch(() => {});
    location.assign('/login?notice=session-ended');
  });
  source.addEventListener('presence', (e) => {
    document.body.dispatchEvent(new CustomEvent('presence', { detail: JSON.parse((e as MessageEvent<string>).data) }));
  });
  source.addEventListener('error', async () => {
    if (source.readyState === EventSource.CONNECTING) {
      if (opened) {
        connection.streamLost = true;
        showConnection();
      }
      return;
    }
    if (leaving) return;
    // Closed for good: the server refused the stream, most likely because the session ended.
    connection.streamLost = true;
    showConnection();
    const again = () => void loadUnread().then(connect, () => connect());
    try {
      await api('GET', '/api/v1/session');
      setTimeout(again, 3000);
    } catch (err) {
      // Offline, the session cannot be asked about: try again once the connection returns.
      if (err instanceof ApiError && err.code === 'network') {
        if (navigator.onLine) setTimeout(again, 3000);
        else window.addEventListener('online', again, { once: true });
        return;
      }
      await forgetUnlocked().catch(() => {});
      location.assign('/login?notice=session-ended');
    }
  });
}

async function logout(): Promise<void> {
  // Leaving from the click on: the stream the server ends with the session can arrive before the
  // answer to DELETE, and must not send the page to "session ended" instead.
  leaving = true;
  // Nothing of this page may reach the server after the session ends (a 401 the browser would
  // report): the stream closes, no new request starts, those under way finish first.
  liveStream?.close();
  await requestsSettled(3000);
  await api('DELETE', '/api/v1/session').catch(() => {});
  await forgetUnlocked().catch(() => {});
  location.assign('/login?notice=logged-out');
}

// ---------- refused login attempts since the last login (kept by signIn for this session) ----------
function showLoginNotice(): void {
  const banner = $('[data-login-notice]');
  let notice: { refused: number; lastLogin: { at: string; address?: string; userAgent?: string } | null } | undefined;
  try {
    notice = JSON.parse(sessionStorage.getItem(LOGIN_NOTICE_KEY) ?? 'null') ?? undefined;
  } catch {
    notice = undefined;
  }
  if (!banner || !notice?.refused) return;
  const n = notice.refused;
  const attempts = t('msg.login.attempts', { count: n });
  const last = notice.lastLogin;
  const where = last ? [pageAgo(last.at), last.userAgent ? deviceText(last.userAgent, pageLocale()) : '', last.address ?? ''].filter(Boolean).join(', ') : '';
  $('[data-login-notice-text]', banner)!.textContent = last ? t('msg.login.since', { where, attempts }) : t('msg.login.first', { attempts });
  banner.hidden = false;
  $('[data-action="dismiss-login-notice"]', banner)?.addEventListener('click', () => {
    banner.hidden = true;
    try {
      sessionStorage.removeItem(LOGIN_NOTICE_KEY);
    } catch {
      // nothing kept, nothing to forget
    }
  });
}

export function initShell(): void {
  showLoginNotice();
  initNotifications();
  watchConnection();
  // The counts first, then the stream: what the stream delivers next is counted on top of them.
  // Without the counts (the request failed), the stream still counts what arrives from now on.
  void loadUnread().then(connect, () => connect());
  renderUnread();
  bindFilters();
  // Fragments swapped in by htmx carry fresh badges to fill (their times: initTimes).
  document.body.addEventListener('htmx:after:swap', () => {
    renderUnread();
    for (const input of $$<HTMLInputElement>('input[data-filter]')) if (input.value) applyFilter(input);
  });
  for (const b of $$('[data-action="logout"]')) b.addEventListener('click', () => void logout());
  // htmx's own requests (fragments) do not start once the page is leaving.
  document.body.addEventListener('htmx:before:request', (e) => {
    if (leaving) e.preventDefault();
  });
}
