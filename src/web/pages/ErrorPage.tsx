// What a browser navigation gets instead of a page when something is not there or went wrong: the
// app's own layout (the app bar for someone signed in), what happened in plain words, and the way
// back. API clients never see this: src/web/errors.ts decides who gets a page and who the JSON.
import { AppShell, PublicShell, type Viewer } from '../components/Layout.tsx';
import { Icon } from '../components/icons.tsx';
import { useT } from '../i18n.ts';
import type { PageKey } from '../messages/index.ts';

export interface ErrorPageProps {
  status: number;
  /** The refusal's own words (a 404 gets ones written for people instead). */
  message: string;
  /** The path asked for, said back on a 404. */
  path: string;
  viewer?: Viewer;
}

const TITLES: Record<number, PageKey> = {
  400: 'common.error.bad-request',
  401: 'common.error.log-in-first',
  403: 'common.error.refused',
  404: 'common.error.not-found',
  405: 'common.error.wrong-method',
  409: 'common.error.conflict',
  413: 'common.error.too-large',
  415: 'common.error.unsupported-type',
  429: 'common.error.too-many',
  500: 'common.error.internal',
  503: 'common.error.unavailable',
};

/** The page's title for a status, in the request's language. */
export function errorTitle(status: number): string {
  return useT()(TITLES[status] ?? (status >= 500 ? TITLES[500] : 'common.error.refused'));
}

export function ErrorPage({ status, message, path, viewer }: ErrorPageProps) {
  const t = useT();
  const title = errorTitle(status);
  // The path goes in as text (a string param is never read as a number or a placeholder).
  const text = status === 404 ? t('common.error.not-found-text', { path }) : message;
  const body = (
    <div class="page-wrap page-narrow error-page">
      <section class="card error-card" aria-labelledby="error-title">
        <div class="error-mark" aria-hidden="true">
          <Icon name={status >= 500 ? 'alert' : 'info'} />
        </div>
        <p class="error-status">{t('common.error.status', { status: String(status) })}</p>
        <h1 id="error-title">{title}</h1>
        <p class="lead">{text}</p>
        <div class="error-actions">
          {viewer ? (
            <a class="btn btn-primary" href="/chat">
              <Icon name="chat" /> {t('common.error.back-to-chats')}
            </a>
          ) : (
            <a class="btn btn-primary" href="/login">
              {t('common.error.to-login')}
            </a>
          )}
          <a class="btn btn-secondary" href="/">
            {t('common.error.home')}
          </a>
        </div>
      </section>
    </div>
  );
  return viewer ? (
    <AppShell title={title} page="error" viewer={viewer}>
      {body}
    </AppShell>
  ) : (
    <PublicShell title={title} page="error">
      {body}
    </PublicShell>
  );
}
