// The page shell every screen shares: head (one stylesheet, htmx, the one browser script), the skip
// link, and either the signed-in app bar or the split layout of the sign-in screens. No inline
// script or style anywhere: the CSP allows only files from our own origin.
import type { Child } from 'hono/jsx';
import { assetUrl } from '../assets.ts';
import { Icon, type IconName } from './icons.tsx';
import { DeviceRequestDialog } from './DeviceRequest.tsx';
import { htmlLanguage } from '../i18n.ts';
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
  return (
    <html {...htmlLanguage()}>
      <Head title={title} />
      <body class={`${bodyClass} page-${page}`} data-page={page} data-me={me} {...dataAttributes(data)}>
        <a class="skip-link" href="#main">
          Skip to content
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

const NAV: Array<{ page: PageName; href: string; label: string; short: string; icon: IconName }> = [
  { page: 'chat', href: '/chat', label: 'Chats', short: 'Chats', icon: 'chat' },
  { page: 'directory', href: '/directory', label: 'Directory', short: 'People', icon: 'users' },
  { page: 'certificate', href: '/certificate', label: 'My certificate', short: 'Certificate', icon: 'certificate' },
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
  const text =
    warning.status === 'revoked'
      ? 'Your certificate has been revoked. You will not be able to log in again with it.'
      : warning.status === 'expired'
        ? 'Your certificate has expired. Renew it now to keep using TEKUP_chat.'
        : warning.daysLeft <= 0
          ? 'Your certificate expires today. Renew it now to keep logging in.'
          : `Your certificate expires in ${warning.daysLeft} day${warning.daysLeft === 1 ? '' : 's'}. Renew it before then to keep logging in.`;
  return (
    <div class="banner banner-warning" role="status">
      <Icon name="alert" />
      <span>{text}</span>
      <a href="/certificate" class="banner-action">
        Review certificate
      </a>
    </div>
  );
}

/** Screens for signed-in people: app bar with navigation, then the page. */
export function AppShell({ title, page, viewer, data, children }: ShellProps & { viewer: Viewer }) {
  return (
    <Document title={title} page={page} data={data} bodyClass="app" me={viewer.login}>
        <header class="appbar appbar-app">
          <Brand href="/chat" />
          <nav class="mainnav" aria-label="Main">
            <ul>
              {NAV.map((n) => (
                <li>
                  <a href={n.href} class="navlink" aria-current={n.page === page ? 'page' : undefined}>
                    <Icon name={n.icon} />
                    <span class="navlabel">{n.label}</span>
                    <span class="navlabel-short" aria-hidden="true">
                      {n.short}
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
            <button type="button" class="btn btn-ghost btn-icon notify-toggle" data-action="notifications" aria-pressed="false" title="Notify me of new messages" hidden>
              <Icon name="bell" />
              <span class="visually-hidden">Notify me of new messages</span>
            </button>
            <button type="button" class="btn btn-ghost btn-icon" data-action="logout" title="Log out">
              <Icon name="logout" />
              <span class="visually-hidden">Log out</span>
            </button>
          </div>
        </header>
        {viewer.expiryWarning && page !== 'certificate' ? <ExpiryBanner warning={viewer.expiryWarning} /> : null}
        <div class="banner banner-warning" data-login-notice role="status" hidden>
          <Icon name="shieldAlert" />
          <span data-login-notice-text></span>
          <a href="/certificate#activity-title" class="banner-action">
            Review activity
          </a>
          <button type="button" class="btn btn-ghost btn-icon banner-close" data-action="dismiss-login-notice" title="Dismiss">
            <Icon name="x" />
            <span class="visually-hidden">Dismiss this notice</span>
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
  return (
    <Document title={title} page={page} data={data} bodyClass="auth">
        <div class="auth-layout">
          <aside class="auth-story" aria-label={`About ${APP_NAME}`}>
            <div class="auth-story-inner">
            <Brand />
            <div class="story-body">
              <p class="story-title">Messages only the two of you can read — and prove.</p>
              <ul class="story-points">
                <li>
                  <Icon name="key" />
                  <span>
                    <strong>Your key stays with you.</strong> It is created in this browser and kept encrypted with your password.
                  </span>
                </li>
                <li>
                  <Icon name="lock" />
                  <span>
                    <strong>End-to-end encrypted.</strong> The server relays ciphertext; it never sees a message.
                  </span>
                </li>
                <li>
                  <Icon name="shieldCheck" />
                  <span>
                    <strong>Signed and verified.</strong> Every message carries its sender's signature, checked against a certificate issued by TEKUP_chat.
                  </span>
                </li>
              </ul>
            </div>
            <p class="story-foot">
              <a href="/authority">TEKUP_chat certificate authority</a> · X.509 · RSA-PSS · AES-256-GCM
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
  return (
    <Document title={title} page={page} data={data} bodyClass="app">
        <header class="appbar">
          <Brand />
          <nav class="public-nav" aria-label="Account">
            <LanguageMenu />
            <a class="btn btn-ghost btn-sm" href="/login">
              Log in
            </a>
            <a class="btn btn-primary btn-sm" href="/register">
              Create an account
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
