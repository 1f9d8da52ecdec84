// Text for times, fingerprints, devices and revocation reasons, shared by the browser bundle, the pages
// and the admin command line so all three word them the same way. It imports nothing but its own
// catalogue: no Node, no DOM. Every helper that writes words takes the reader's language last and
// defaults to English, which the admin command line keeps.
//
// Times: one format everywhere, the reader's own locale and time zone (localTime). The server does
// not know the reader's zone, so it writes <time datetime data-local> with a UTC fallback for pages
// read without the script, and the browser rewrites every such element with localTime.
import { DEFAULT_LOCALE, localeOfTag, type Locale } from './i18n/locale.ts';
import { translator, type Params, type Translator } from './i18n/translate.ts';
import SHARED_MESSAGES from './i18n/shared-messages.ts';

type SharedKey = Extract<keyof typeof SHARED_MESSAGES.en, string>;
const translators = new Map<Locale, Translator<SharedKey>>();

/** The helpers' words in `locale`, one translator per language for the life of the process. */
function say(locale: Locale, key: SharedKey, params?: Params): string {
  let t = translators.get(locale);
  if (!t) translators.set(locale, (t = translator(SHARED_MESSAGES, locale)));
  return t(key, params);
}

export function utcText(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** How much of a moment to show: the clock time, the day, or both. */
export type TimeStyle = 'time' | 'date' | 'datetime';

export interface TimeOptions {
  /** A BCP 47 locale ("fr", "en-GB"); the reader's own when absent. relativeText also takes its words' language from it. */
  locale?: string;
  /** An IANA zone; the reader's own when absent. */
  timeZone?: string;
}

const CLOCK: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
const DAY: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', year: 'numeric' };

/**
 * The one way a moment is written on every page (chats, sessions, security activity, certificate
 * validity): "10:12", "24 November 2026" or "24 November 2026, 10:12", in the reader's locale and
 * time zone unless told otherwise. Never a zone suffix: it is always the reader's own time.
 */
export function localTime(iso: string, style: TimeStyle = 'datetime', o: TimeOptions = {}): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return iso;
  const zone = o.timeZone ? { timeZone: o.timeZone } : {};
  if (style === 'time') return d.toLocaleTimeString(o.locale, { ...CLOCK, ...zone });
  if (style === 'date') return d.toLocaleDateString(o.locale, { ...DAY, ...zone });
  return d.toLocaleString(o.locale, { ...DAY, ...CLOCK, ...zone });
}

/**
 * The locale a language's dates are written in when the reader's region is unknown: British English
 * for English, for its day-month-year order and 24-hour clock, which no English reader misreads.
 */
const REGION_NEUTRAL: Record<Locale, string> = { en: 'en-GB', fr: 'fr-FR' };

/** How the server writes a moment it cannot put in the reader's zone: UTC, in the page's language. */
export function serverTimeOptions(locale: Locale = DEFAULT_LOCALE): Required<TimeOptions> {
  return { locale: REGION_NEUTRAL[locale], timeZone: 'UTC' };
}

/** What the server writes inside <time data-local> before the browser rewrites it in local time. */
export function serverTimeText(iso: string, style: TimeStyle, locale: Locale = DEFAULT_LOCALE): string {
  const utc = localTime(iso, style, serverTimeOptions(locale));
  return style === 'date' ? utc : `${utc} UTC`;
}

/**
 * The locale to write a page's dates in: the first of the reader's own languages (the browser's
 * navigator.languages) that is the page's language, so that a British reader of an English page
 * keeps "24 November 2026" and a Canadian one of a French page "22 h 12"; else the page's language
 * itself. Never a language other than the page's: a French page shows French dates whatever the
 * browser's own language.
 */
export function dateLocale(locale: Locale, preferred: readonly string[] = []): string {
  for (const tag of preferred) {
    if (localeOfTag(tag) !== locale) continue;
    try {
      if (Intl.DateTimeFormat.supportedLocalesOf(tag).length) return tag;
    } catch {
      // Not a well-formed tag: toLocale* would throw on it too.
    }
  }
  return locale;
}

/** A SHA-256 fingerprint in groups of four hex digits, easier to compare aloud. */
export function groupedHex(hex: string): string {
  return (hex.match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * "5 min ago"-style wording ("il y a 5 min"); past a week, the day as localTime writes it. The words
 * are in the language of `o.locale` ("fr", "fr-CA" → French), English when it is absent or one we do
 * not speak, so that one locale gives the words and the date the same language.
 */
export function relativeText(iso: string, now: number = Date.now(), o?: TimeOptions): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const lang = (o?.locale && localeOfTag(o.locale)) || DEFAULT_LOCALE;
  const s = Math.round((now - t) / 1000);
  if (s < 45) return say(lang, 'shared.time.justNow');
  const m = Math.round(s / 60);
  if (m < 60) return say(lang, 'shared.time.minutesAgo', { count: m });
  const h = Math.round(m / 60);
  if (h < 24) return say(lang, 'shared.time.hoursAgo', { count: h });
  const d = Math.round(h / 24);
  if (d === 1) return say(lang, 'shared.time.yesterday');
  if (d < 7) return say(lang, 'shared.time.daysAgo', { count: d });
  return o ? localTime(iso, 'date', o) : localTime(iso, 'date');
}

const REVOCATION_REASONS: Record<string, SharedKey> = {
  superseded: 'shared.revocation.superseded',
  keyCompromise: 'shared.revocation.keyCompromise',
  cessationOfOperation: 'shared.revocation.cessationOfOperation',
  affiliationChanged: 'shared.revocation.affiliationChanged',
  privilegeWithdrawn: 'shared.revocation.privilegeWithdrawn',
  unspecified: 'shared.revocation.unspecified',
};

/** An RFC 5280 revocation reason in the words the pages use; one we do not know, as it came. */
export function revocationReasonText(reason: string, locale: Locale = DEFAULT_LOCALE): string {
  const key = Object.hasOwn(REVOCATION_REASONS, reason) ? REVOCATION_REASONS[reason] : undefined;
  return key ? say(locale, key) : reason;
}

const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\b(?:Headless)?(?:Chrome|Chromium|CriOS)\//, 'Chrome'],
  [/\bVersion\/[\d.]+ .*Safari\//, 'Safari'],
  [/^curl\//, 'curl'],
];
const SYSTEMS: [RegExp, string][] = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

/** "Firefox on Linux", from a User-Agent: what someone recognises in their list of sessions. */
export function deviceText(userAgent: string | null, locale: Locale = DEFAULT_LOCALE): string {
  if (!userAgent) return say(locale, 'shared.device.unknown');
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
  if (browser && system) return say(locale, 'shared.device.browserOnSystem', { browser, system });
  if (browser || system) return (browser ?? system)!;
  // Something else (a script, a command-line client): its own first word, shortened.
  return userAgent.split(/[\s/;(]/)[0].slice(0, 40) || say(locale, 'shared.device.unknown');
}

const REFUSALS: Record<string, SharedKey> = {
  password: 'shared.activity.refusal.password',
  untrusted_issuer: 'shared.activity.refusal.untrusted_issuer',
  bad_certificate: 'shared.activity.refusal.bad_certificate',
  expired: 'shared.activity.refusal.expired',
  not_yet_valid: 'shared.activity.refusal.not_yet_valid',
  not_owner: 'shared.activity.refusal.not_owner',
  revoked: 'shared.activity.refusal.revoked',
  bad_signature: 'shared.activity.refusal.bad_signature',
};

/** One security-activity entry in plain words, and whether it is one to look at twice. */
export function activityText(
  e: { kind: string; reason?: string; by?: string; deviceName?: string },
  locale: Locale = DEFAULT_LOCALE,
): { text: string; alert: boolean } {
  const text = (key: SharedKey, params?: Params) => say(locale, key, params);
  // The device a link event is about, or the reason a certificate went, in parentheses after the text.
  const named = (key: SharedKey) => (e.deviceName ? text('shared.activity.withDevice', { text: text(key), device: e.deviceName }) : text(key));
  const because = (t: string) => (e.reason ? text('shared.activity.withReason', { text: t, reason: revocationReasonText(e.reason, locale) }) : t);
  switch (e.kind) {
    case 'login':
      return { text: text('shared.activity.login'), alert: false };
    case 'login_refused': {
      const why = Object.hasOwn(REFUSALS, e.reason ?? '') ? REFUSALS[e.reason!] : 'shared.activity.refusal.other';
      return { text: text('shared.activity.loginRefused', { why: text(why) }), alert: true };
    }
    case 'password_changed':
      return { text: text('shared.activity.passwordChanged'), alert: false };
    case 'password_change_refused':
      return { text: text('shared.activity.passwordChangeRefused'), alert: true };
    case 'certificate_renewed':
      return { text: text(e.reason === 'keyCompromise' ? 'shared.activity.certificateRenewedStolen' : 'shared.activity.certificateRenewed'), alert: false };
    case 'certificate_revoked':
      if (e.by === 'operator') return { text: because(text('shared.activity.revokedByOperator')), alert: true };
      return { text: because(e.deviceName ? text('shared.activity.revokedDevice', { device: e.deviceName }) : text('shared.activity.revokedOwn')), alert: false };
    case 'recovery_code_issued':
      return { text: text(e.reason === 'password_reset' ? 'shared.activity.recoveryCodeIssuedReset' : 'shared.activity.recoveryCodeIssued'), alert: true };
    case 'access_recovered':
      return { text: text(e.reason === 'password_reset' ? 'shared.activity.accessRecoveredReset' : 'shared.activity.accessRecovered'), alert: true };
    case 'device_link_requested':
      return { text: named('shared.activity.deviceLinkRequested'), alert: false };
    case 'device_link_approved':
      return { text: named('shared.activity.deviceLinkApproved'), alert: false };
    case 'device_link_refused':
      return { text: named('shared.activity.deviceLinkRefused'), alert: false };
    case 'device_link_failed':
      return e.reason === 'password'
        ? { text: text('shared.activity.deviceLinkFailedPassword'), alert: true }
        : { text: named('shared.activity.deviceLinkFailedCodes'), alert: true };
    default:
      return { text: e.kind, alert: false };
  }
}
