// The page shell every screen shares: head (one stylesheet, htmx, the one browser script), the skip
// link, and either the signed-in app bar or the split layout of the sign-in screens. No inline
// script or style anywhere: the CSP allows only files from our own origin.
import type { Child } from 'hono/jsx';
import { assetUrl } from '../assets.ts';
import { Icon, type IconName } from './icons.tsx';
import { DeviceRequestDialog } from './DeviceRequest.tsx';
import { htmlLanguage, useT } from '../i18n.ts';
import type { PageKey } from '../messages/index.ts';
import { LanguageMenu } from './LanguageMenu.tsx';

export const APP_NAME = 'TEKUP_chat';

// htmx 4 swaps error responses by default; our fragments never want that. The browser history is
// reloaded from the server (every page is server-rendered), and htmx must not inject a stylesheet.
// No settle step: htmx would copy the class and style attributes of the element a swap replaces
// onto its successor with the same id (for CSS transitions we do not use), and setting a style
// attribute from script is what the CSP refuses — whatever had put one there (a test tool hiding
// the caret, an extension). Morphs copy only what the server sent, which never has one.
const HTMX_CONFIG = JSON.stringify({ includeIndicatorCSS: false, history: 'reload', noSwap: [204, 304, '4xx', '5xx'], defaultSettleDelay: 0 });

export type PageName = 'register' | 'login' | 'link' | 'recover' | 'chat' | 'directory' | 'certificate' | 'authority' | 'error';

export interface Viewer {
  login: string;
  firstName: string;
  lastName: string;
  /** Days until the current certificate expires, when that is soon (or past): a banner on every page. */
  expiryWarning?: { status: 'expiring' | 'expired' | 'revoked'; daysLeft: number; notAfter: string };
}

interface ShellProps {
  title: string;
  page: PageName;
  viewer?: Viewer;
  /** Extra data-* for the browser script, on <body>. */
  data?: Record<string, string>;
  children?: Child;
}

function Head({ title }: { title: string }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
      <meta name="color-scheme" content="light dark" />
      <meta name="theme-color" content="#0c7167" />
      <meta name="htmx-config" content={HTMX_CONFIG} />
      <meta name="referrer" content="no-referrer" />
      <title>{`${title} · ${APP_NAME}`}</title>
      <link rel="icon" type="image/svg+xml" href={assetUrl('icons/logo.svg')} />
      <link rel="stylesheet" href={assetUrl('css/app.css')} />
      <script src={assetUrl('htmx.min.js')} defer></script>
      <script type="module" src={assetUrl('app.js')}></script>
    </head>
  );
}

const dataAttributes = (data: Record<string, string> = {}) => Object.fromEntries(Object.entries(data).map(([k, v]) => [`data-${k}`, v]));

/** What every page is: the head, the body that names the page for the script, the skip link. */
function Document({ title, page, data, bodyClass, me, children }: Omit<ShellProps, 'viewer'> & { bodyClass: string; me?: string }) {
  const t = useT();
  return (
    <html {...htmlLanguage()}>
      <Head title={title} />
      <body class={`${bodyClass} page-${page}`} data-page={page} data-me={me} {...dataAttributes(data)}>
        <a class="skip-link" href="#main">
          {t('common.skip-to-content')}
        </a>
        {children}
      </body>
    </html>
  );
}

export function Brand({ href = '/' }: { href?: string }) {
  return (
    <a class="brand" href={href}>
      <span class="brand-mark">
        <Icon name="logo" />
      </span>
      <span class="brand-name">
        TEKUP<span class="brand-accent">_chat</span>
      </span>
    </a>
  );
}

// Labels are catalogue keys: the list is built once, the words per request.
const NAV: Array<{ page: PageName; href: string; label: PageKey; short: PageKey; icon: IconName }> = [
  { page: 'chat', href: '/chat', label: 'common.nav.chats', short: 'common.nav.chats-short', icon: 'chat' },
  { page: 'directory', href: '/directory', label: 'common.nav.directory', short: 'common.nav.directory-short', icon: 'users' },
  { page: 'certificate', href: '/certificate', label: 'common.nav.certificate', short: 'common.nav.certificate-short', icon: 'certificate' },
];

export function initials(first: string, last: string): string {
  const a = [...first.trim()][0] ?? '';
  const b = [...last.trim()][0] ?? '';
  return (a + b).toUpperCase() || '?';
}

/** A stable hue per login, so each person keeps the same avatar colour everywhere. */
export function avatarTone(login: string): string {
  let h = 0;
  for (const ch of login) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `tone-${h % 8}`;
}

export function Avatar({ login, firstName, lastName, online, size }: { login: string; firstName: string; lastName: string; online?: boolean; size?: 'lg' | 'sm' }) {
  return (
    <span class={`avatar ${avatarTone(login)}${size ? ` avatar-${size}` : ''}`} aria-hidden="true">
      {initials(firstName, lastName)}
      {online === undefined ? null : <span class={online ? 'presence-dot is-online' : 'presence-dot'} data-presence-dot={login}></span>}
    </span>
  );
}

function ExpiryBanner({ warning }: { warning: NonNullable<Viewer['expiryWarning']> }) {
  const t = useT();
  const text =
    warning.status === 'revoked'
      ? t('common.expiry.revoked')
      : warning.status === 'expired'
        ? t('common.expiry.expired')
        : warning.daysLeft <= 0
          ? t('common.expiry.today')
          : t('common.expiry.soon', { count: warning.daysLeft });
  return (
    <div class="banner banner-warning" role="status">
      <Icon name="alert" />
      <span>{text}</span>
      <a href="/certificate" class="banner-action">
        {t('common.expiry.review')}
      </a>
    </div>
  );
}

/** Screens for signed-in people: app bar with navigation, then the page. */
export function AppShell({ title, page, viewer, data, children }: ShellProps & { viewer: Viewer }) {
  const t = useT();
  return (
    <Document title={title} page={page} data={data} bodyClass="app" me={viewer.login}>
        <header class="appbar appbar-app">
          <Brand href="/chat" />
          <nav class="mainnav" aria-label={t('common.nav.main')}>
            <ul>
              {NAV.map((n) => (
                <li>
                  <a href={n.href} class="navlink" aria-current={n.page === page ? 'page' : undefined}>
                    <Icon name={n.icon} />
                    <span class="navlabel">{t(n.label)}</span>
                    <span class="navlabel-short" aria-hidden="true">
                      {t(n.short)}
                    </span>
                    {n.page === 'chat' ? <span class="count-badge" data-unread-total hidden></span> : null}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="me">
            <LanguageMenu />
            <Avatar login={viewer.login} firstName={viewer.firstName} lastName={viewer.lastName} size="sm" />
            <span class="me-name">
              <span class="me-full">{`${viewer.firstName} ${viewer.lastName}`}</span>
              <span class="me-login">@{viewer.login}</span>
            </span>
            <button type="button" class="btn btn-ghost btn-icon notify-toggle" data-action="notifications" aria-pressed="false" title={t('common.notify-me')} hidden>
              <Icon name="bell" />
              <span class="visually-hidden">{t('common.notify-me')}</span>
            </button>
            <button type="button" class="btn btn-ghost btn-icon" data-action="logout" title={t('common.log-out')}>
              <Icon name="logout" />
              <span class="visually-hidden">{t('common.log-out')}</span>
            </button>
          </div>
        </header>
        {viewer.expiryWarning && page !== 'certificate' ? <ExpiryBanner warning={viewer.expiryWarning} /> : null}
        <div class="banner banner-warning" data-login-notice role="status" hidden>
          <Icon name="shieldAlert" />
          <span data-login-notice-text></span>
          <a href="/certificate#activity-title" class="banner-action">
            {t('common.login-notice.review')}
          </a>
          <button type="button" class="btn btn-ghost btn-icon banner-close" data-action="dismiss-login-notice" title={t('common.dismiss')}>
            <Icon name="x" />
            <span class="visually-hidden">{t('common.dismiss-notice')}</span>
          </button>
        </div>
        <div class="connection" data-connection role="status" aria-live="polite" hidden></div>
        <main id="main" class="main" tabindex={-1}>
          {children}
        </main>
        {/* A new device may ask to be linked while any page is open: the prompt is on all of them. */}
        <DeviceRequestDialog />
    </Document>
  );
}

/** Register and log in: the brand story on one side (on wide screens), the form on the other. */
export function AuthShell({ title, page, data, children }: ShellProps) {
  const t = useT();
  return (
    <Document title={title} page={page} data={data} bodyClass="auth">
        <div class="auth-layout">
          <aside class="auth-story" aria-label={t('common.about-app', { app: APP_NAME })}>
            <div class="auth-story-inner">
            <Brand />
            <div class="story-body">
              <p class="story-title">{t('common.story.title')}</p>
              <ul class="story-points">
                <li>
                  <Icon name="key" />
                  <span>
                    <strong>{t('common.story.key-title')}</strong> {t('common.story.key-text')}
                  </span>
                </li>
                <li>
                  <Icon name="lock" />
                  <span>
                    <strong>{t('common.story.e2e-title')}</strong> {t('common.story.e2e-text')}
                  </span>
                </li>
                <li>
                  <Icon name="shieldCheck" />
                  <span>
                    <strong>{t('common.story.signed-title')}</strong> {t('common.story.signed-text')}
                  </span>
                </li>
              </ul>
            </div>
            <p class="story-foot">
              <a href="/authority">{t('common.story.authority')}</a> · X.509 · RSA-PSS · AES-256-GCM
            </p>
            </div>
          </aside>
          <main id="main" class="auth-main" tabindex={-1}>
            <div class="auth-top">
              <div class="auth-mobile-brand">
                <Brand />
              </div>
              <LanguageMenu />
            </div>
            {children}
          </main>
        </div>
    </Document>
  );
}

/** Public pages with content rather than a form (the authority): the brand bar, and ways in. */
export function PublicShell({ title, page, data, children }: ShellProps) {
  const t = useT();
  return (
    <Document title={title} page={page} data={data} bodyClass="app">
        <header class="appbar">
          <Brand />
          <LanguageMenu />
          <nav class="public-nav" aria-label={t('common.nav.account')}>
            <a class="btn btn-ghost btn-sm" href="/login">
              {t('common.nav.log-in')}
            </a>
            <a class="btn btn-primary btn-sm" href="/register">
              {t('common.nav.register')}
            </a>
          </nav>
        </header>
        <main id="main" class="main" tabindex={-1}>
          {children}
        </main>
    </Document>
  );
}

/** The full document for `c.html`. */
export async function page(node: unknown): Promise<string> {
  return '<!doctype html>' + (await (node as { toString(): string | Promise<string> }).toString());
}
