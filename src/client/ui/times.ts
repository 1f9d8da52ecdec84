// Every moment a page shows, in one format: the reader's time zone, in the page's language (localTime
// in src/shared/format.ts). The server writes <time data-local> in UTC, as it cannot know the
// reader's zone; this rewrites them, keeps "5 min ago" times fresh, and does the same for the
// aria-labels that name a moment (timeLabel in src/web/components/Time.tsx).
import { dateLocale, localTime, relativeText, type TimeOptions, type TimeStyle } from '../../shared/format.ts';
import { pageLocale } from '../i18n.ts';
import { $$ } from './dom.ts';

const style = (s: string | undefined): TimeStyle => (s === 'time' || s === 'date' ? s : 'datetime');

/**
 * The page's language, in the reader's own regional form of it when their browser has one ("en-GB"
 * on an English page): a French page shows French dates whatever language the browser prefers,
 * the same as the words around them.
 */
export function readerTime(): TimeOptions {
  return { locale: dateLocale(pageLocale(), typeof navigator === 'undefined' ? [] : navigator.languages) };
}

export function refreshTimes(root: ParentNode = document): void {
  const o = readerTime();
  for (const t of $$<HTMLTimeElement>('time[data-relative]', root)) {
    t.textContent = `${t.dataset.relative ?? ''}${relativeText(t.dateTime, Date.now(), o)}`;
    t.title = localTime(t.dateTime, 'datetime', o);
  }
  for (const t of $$<HTMLTimeElement>('time[data-local]', root)) {
    t.textContent = localTime(t.dateTime, style(t.dataset.local), o);
  }
  for (const el of $$('[data-local-label]', root)) {
    el.setAttribute('aria-label', (el.dataset.localLabel ?? '').replace('{time}', localTime(el.dataset.localIso ?? '', style(el.dataset.localStyle), o)));
  }
}

/** Once now, after every htmx swap (fragments carry server-written times), and every 30 s. */
export function initTimes(): void {
  refreshTimes();
  document.body.addEventListener('htmx:after:swap', () => refreshTimes());
  setInterval(() => refreshTimes(), 30_000);
}

/** A moment as every page writes it (localTime), in the page's language and the reader's zone. */
export function pageTime(iso: string, style: TimeStyle = 'datetime'): string {
  return localTime(iso, style, readerTime());
}

/** "5 min ago" in the page's language (relativeText). */
export function pageAgo(iso: string): string {
  return relativeText(iso, Date.now(), readerTime());
}
