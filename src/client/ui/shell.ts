// What every signed-in page shares: the event stream (messages and presence), unread counts,
// "5 min ago" times kept fresh, list filters, and logging out.
import type { Envelope } from '../../protocol/envelope.ts';
import { relativeText } from '../../web/pages/format.ts';
import { api } from './api.ts';
import { $, $$ } from './dom.ts';
import { forgetUnlocked } from './keystore.ts';

export interface IncomingMessage {
  seq: number;
  envelope: Envelope;
}

/** A page that shows a conversation claims the messages it displays; the rest count as unread. */
type MessageHandler = (m: IncomingMessage) => boolean;
let messageHandler: MessageHandler | undefined;
export const onMessage = (h: MessageHandler) => {
  messageHandler = h;
};

export const me = (): string => document.body.dataset.me ?? '';

// ---------- unread counts (per browser, in localStorage: counts only, never content) ----------
interface UnreadState {
  [peer: string]: { unread: number; lastAt?: string; seq?: number };
}
const unreadKey = () => `tekup-chat:unread:${me()}`;
export function readUnread(): UnreadState {
  try {
    return JSON.parse(localStorage.getItem(unreadKey()) ?? '{}') as UnreadState;
  } catch {
    return {};
  }
}
function writeUnread(s: UnreadState): void {
  try {
    localStorage.setItem(unreadKey(), JSON.stringify(s));
  } catch {
    // storage full or disabled: counts are a convenience
  }
  renderUnread();
}
/** `seq` (the stream's message id) keeps two open tabs from counting the same message twice. */
export function noteActivity(peer: string, at: string, unread: boolean, seq = 0): void {
  const s = readUnread();
  const entry = (s[peer] ??= { unread: 0 });
  if (seq && entry.seq !== undefined && seq <= entry.seq) return;
  if (seq) entry.seq = seq;
  if (!entry.lastAt || entry.lastAt < at) entry.lastAt = at;
  if (unread) entry.unread += 1;
  writeUnread(s);
}
export function markRead(peer: string): void {
  const s = readUnread();
  if (!s[peer]?.unread) return renderUnread();
  s[peer].unread = 0;
  writeUnread(s);
}

const baseTitle = document.title.replace(/^\(\d+\) /, '');
export function renderUnread(): void {
  const s = readUnread();
  let total = 0;
  for (const [peer, e] of Object.entries(s)) {
    total += e.unread;
    for (const badge of $$(`[data-unread-for="${CSS.escape(peer)}"]`)) {
      badge.textContent = String(e.unread);
      badge.hidden = e.unread === 0;
      badge.setAttribute('aria-label', `${e.unread} unread`);
      badge.closest('.conv')?.classList.toggle('has-unread', e.unread > 0);
    }
    for (const when of $$(`[data-last-at="${CSS.escape(peer)}"]`)) {
      when.textContent = e.lastAt ? shortWhen(e.lastAt) : '';
    }
  }
  for (const badge of $$('[data-unread-total]')) {
    badge.textContent = String(total);
    badge.hidden = total === 0;
    badge.setAttribute('aria-label', `${total} unread`);
  }
  document.title = total ? `(${total}) ${baseTitle}` : baseTitle;
}

function shortWhen(iso: string): string {
  const d = new Date(iso);
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return d.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

// ---------- times ----------
export function refreshTimes(root: ParentNode = document): void {
  for (const t of $$<HTMLTimeElement>('time[data-relative]', root)) {
    t.textContent = `${t.dataset.relative ?? ''}${relativeText(t.dateTime)}`;
    t.title = new Date(t.dateTime).toLocaleString();
  }
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

// ---------- the event stream ----------
function connect(): void {
  const banner = $('[data-connection]');
  let opened = false;
  const source = new EventSource('/api/v1/events');
  source.addEventListener('ready', () => {
    opened = true;
    if (banner) banner.hidden = true;
  });
  source.addEventListener('message', (e) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse((e as MessageEvent<string>).data) as Envelope;
    } catch {
      return;
    }
    const seq = Number((e as MessageEvent).lastEventId) || 0;
    const shown = messageHandler?.({ seq, envelope }) ?? false;
    const peer = envelope.from === me() ? envelope.to : envelope.from;
    noteActivity(peer, envelope.sentAt, !shown && envelope.from !== me(), seq);
  });
  source.addEventListener('presence', (e) => {
    document.body.dispatchEvent(new CustomEvent('presence', { detail: JSON.parse((e as MessageEvent<string>).data) }));
  });
  source.addEventListener('error', async () => {
    if (source.readyState === EventSource.CONNECTING) {
      if (banner && opened) {
        banner.textContent = 'Connection lost. Reconnecting…';
        banner.hidden = false;
      }
      return;
    }
    // Closed for good: the server refused the stream, most likely because the session ended.
    try {
      await api('GET', '/api/v1/session');
      setTimeout(connect, 3000);
    } catch {
      await forgetUnlocked().catch(() => {});
      location.assign('/login?notice=session-ended');
    }
  });
}

async function logout(): Promise<void> {
  await api('DELETE', '/api/v1/session').catch(() => {});
  await forgetUnlocked().catch(() => {});
  location.assign('/login?notice=logged-out');
}

export function initShell(): void {
  connect();
  renderUnread();
  refreshTimes();
  setInterval(() => refreshTimes(), 30_000);
  bindFilters();
  window.addEventListener('storage', (e) => {
    if (e.key === unreadKey()) renderUnread();
  });
  // Fragments swapped in by htmx carry server-written times and fresh badges to fill.
  document.body.addEventListener('htmx:after:swap', () => {
    refreshTimes();
    renderUnread();
    for (const input of $$<HTMLInputElement>('input[data-filter]')) if (input.value) applyFilter(input);
  });
  for (const b of $$('[data-action="logout"]')) b.addEventListener('click', () => void logout());
}
