// Text for times, fingerprints, devices and revocation reasons, shared by the browser bundle, the pages
// and the admin command line so all three word them the same way. It imports nothing: no Node, no DOM.
//
// Times: one format everywhere, the reader's own locale and time zone (localTime). The server does
// not know the reader's zone, so it writes <time datetime data-local> with a UTC fallback for pages
// read without the script, and the browser rewrites every such element with localTime.
export function utcText(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** How much of a moment to show: the clock time, the day, or both. */
export type TimeStyle = 'time' | 'date' | 'datetime';

export interface TimeOptions {
  /** A BCP 47 locale; the reader's own when absent. */
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

/** What the server writes inside <time data-local> before the browser rewrites it in local time. */
export function serverTimeText(iso: string, style: TimeStyle): string {
  const utc = localTime(iso, style, { locale: 'en-GB', timeZone: 'UTC' });
  return style === 'date' ? utc : `${utc} UTC`;
}

/** A SHA-256 fingerprint in groups of four hex digits, easier to compare aloud. */
export function groupedHex(hex: string): string {
  return (hex.match(/.{1,4}/g) ?? []).join(' ');
}

/** "5 min ago"-style wording; past a week, the day as localTime writes it. */
export function relativeText(iso: string, now: number = Date.now(), o?: TimeOptions): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.round((now - t) / 1000);
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d === 1) return 'yesterday';
  if (d < 7) return `${d} days ago`;
  return o ? localTime(iso, 'date', o) : localTime(iso, 'date');
}

const REVOCATION_REASONS: Record<string, string> = {
  superseded: 'replaced by a renewal',
  keyCompromise: 'key compromised',
  cessationOfOperation: 'no longer used',
  affiliationChanged: 'affiliation changed',
  privilegeWithdrawn: 'withdrawn by the operator',
  unspecified: 'no reason given',
};

/** An RFC 5280 revocation reason in the words the pages use. */
export function revocationReasonText(reason: string): string {
  return REVOCATION_REASONS[reason] ?? reason;
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
export function deviceText(userAgent: string | null): string {
  if (!userAgent) return 'An unknown device';
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser || system) return (browser ?? system)!;
  // Something else (a script, a command-line client): its own first word, shortened.
  return userAgent.split(/[\s/;(]/)[0].slice(0, 40) || 'An unknown device';
}

const REFUSALS: Record<string, string> = {
  password: 'a wrong password',
  untrusted_issuer: 'a certificate TEKUP_chat did not issue',
  bad_certificate: 'a certificate that could not be read',
  expired: 'an expired certificate',
  not_yet_valid: 'a certificate not valid yet',
  not_owner: 'a certificate that is not your current one',
  revoked: 'a revoked certificate',
  bad_signature: 'a key that does not match the certificate',
};

const named = (deviceName: string | undefined) => (deviceName ? ` ("${deviceName}")` : '');

/** One security-activity entry in plain words, and whether it is one to look at twice. */
export function activityText(e: { kind: string; reason?: string; by?: string; deviceName?: string }): { text: string; alert: boolean } {
  switch (e.kind) {
    case 'login':
      return { text: 'Logged in', alert: false };
    case 'login_refused':
      return { text: `Login refused: ${REFUSALS[e.reason ?? ''] ?? 'refused'}`, alert: true };
    case 'password_changed':
      return { text: 'Password changed', alert: false };
    case 'password_change_refused':
      return { text: 'Password change refused: the current password was wrong', alert: true };
    case 'certificate_renewed':
      return { text: e.reason === 'keyCompromise' ? 'Certificate renewed; the old key was reported stolen' : 'Certificate renewed with a new key', alert: false };
    case 'certificate_revoked': {
      const why = e.reason ? ` (${revocationReasonText(e.reason)})` : '';
      if (e.by === 'operator') return { text: `An operator revoked your certificate${why}`, alert: true };
      return { text: e.deviceName ? `You revoked the device "${e.deviceName}"${why}` : `You revoked your certificate${why}`, alert: false };
    }
    case 'recovery_code_issued':
      return { text: e.reason === 'password_reset' ? 'An operator issued a recovery code that sets a new password' : 'An operator issued a recovery code', alert: true };
    case 'access_recovered':
      return { text: e.reason === 'password_reset' ? 'Access recovered with a recovery code and a new password' : 'Access recovered with a recovery code', alert: true };
    case 'device_link_requested':
      return { text: `A new device asked to be linked${named(e.deviceName)}`, alert: false };
    case 'device_link_approved':
      return { text: `New device linked${named(e.deviceName)}`, alert: false };
    case 'device_link_refused':
      return { text: `You refused to link a new device${named(e.deviceName)}`, alert: false };
    case 'device_link_failed':
      return e.reason === 'password'
        ? { text: 'Linking a new device refused: a wrong password', alert: true }
        : { text: `Linking a new device ended: the code was wrong five times${named(e.deviceName)}`, alert: true };
    default:
      return { text: e.kind, alert: false };
  }
}
