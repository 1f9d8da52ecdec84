// A moment on a server-rendered page. The server cannot know the reader's time zone, so it writes
// the moment in UTC as a fallback and marks it; the browser script (refreshTimes in
// src/client/ui/times.ts) rewrites every marked <time> with localTime, the one format all pages use.
// The fallback is in the request's language, so a French page read without the script is French too.
import { relativeText, serverTimeOptions, serverTimeText, type TimeStyle } from '../../shared/format.ts';
import { requestLocale } from '../i18n.ts';

export function LocalTime({ iso, style = 'datetime' }: { iso: string; style?: TimeStyle }) {
  return (
    <time datetime={iso} data-local={style}>
      {serverTimeText(iso, style, requestLocale())}
    </time>
  );
}

/**
 * An aria-label that names a moment: `template` holds `{time}`, written in UTC here and in local
 * time by the browser script, like a <LocalTime>.
 */
export function timeLabel(template: string, iso: string, style: TimeStyle = 'datetime'): Record<string, string> {
  return {
    'aria-label': template.replace('{time}', serverTimeText(iso, style, requestLocale())),
    'data-local-label': template,
    'data-local-iso': iso,
    'data-local-style': style,
  };
}

/** "3 minutes ago", kept current by the browser script (data-relative). */
export function TimeAgo({ iso, prefix }: { iso: string; prefix?: string }) {
  const locale = requestLocale();
  return (
    <time datetime={iso} data-relative={prefix ?? ''} title={serverTimeText(iso, 'datetime', locale)}>
      {`${prefix ?? ''}${relativeText(iso, Date.now(), serverTimeOptions(locale))}`}
    </time>
  );
}
