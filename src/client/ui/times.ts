// Every moment a page shows, in one format: the reader's locale and time zone (localTime in
// src/shared/format.ts). The server writes <time data-local> in UTC, as it cannot know the
// reader's zone; this rewrites them, keeps "5 min ago" times fresh, and does the same for the
// aria-labels that name a moment (timeLabel in src/web/components/Time.tsx).
import { localTime, relativeText, type TimeStyle } from '../../shared/format.ts';
import { $$ } from './dom.ts';

const style = (s: string | undefined): TimeStyle => (s === 'time' || s === 'date' ? s : 'datetime');

export function refreshTimes(root: ParentNode = document): void {
  for (const t of $$<HTMLTimeElement>('time[data-relative]', root)) {
    t.textContent = `${t.dataset.relative ?? ''}${relativeText(t.dateTime)}`;
    t.title = localTime(t.dateTime);
  }
  for (const t of $$<HTMLTimeElement>('time[data-local]', root)) {
    t.textContent = localTime(t.dateTime, style(t.dataset.local));
  }
  for (const el of $$('[data-local-label]', root)) {
    el.setAttribute('aria-label', (el.dataset.localLabel ?? '').replace('{time}', localTime(el.dataset.localIso ?? '', style(el.dataset.localStyle))));
  }
}

/** Once now, after every htmx swap (fragments carry server-written times), and every 30 s. */
export function initTimes(): void {
  refreshTimes();
  document.body.addEventListener('htmx:after:swap', () => refreshTimes());
  setInterval(() => refreshTimes(), 30_000);
}
