// What a browser navigation gets instead of a page when something is not there or went wrong: the
// app's own layout (the app bar for someone signed in), what happened in plain words, and the way
// back. API clients never see this: src/web/errors.ts decides who gets a page and who the JSON.
import { AppShell, PublicShell, type Viewer } from '../components/Layout.tsx';
import { Icon } from '../components/icons.tsx';

export interface ErrorPageProps {
  status: number;
  /** The refusal's own words (a 404 gets ones written for people instead). */
  message: string;
  /** The path asked for, said back on a 404. */
  path: string;
  viewer?: Viewer;
}

const TITLES: Record<number, string> = {
  400: 'This request could not be read',
  401: 'Log in first',
  403: 'This request was refused',
  404: 'Page not found',
  405: 'This page cannot be used that way',
  409: 'This conflicts with what is already there',
  413: 'That was too large to send',
  415: 'This kind of content is not accepted',
  429: 'Too many requests',
  500: 'Something went wrong',
  503: 'TEKUP_chat is unavailable for a moment',
};

export function errorTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? TITLES[500] : 'This request was refused');
}

export function ErrorPage({ status, message, path, viewer }: ErrorPageProps) {
  const title = errorTitle(status);
  const text = status === 404 ? `There is nothing at ${path}. The link may be old, or the address mistyped.` : message;
  const body = (
    <div class="page-wrap page-narrow error-page">
      <section class="card error-card" aria-labelledby="error-title">
        <div class="error-mark" aria-hidden="true">
          <Icon name={status >= 500 ? 'alert' : 'info'} />
        </div>
        <p class="error-status">{`Error ${status}`}</p>
        <h1 id="error-title">{title}</h1>
        <p class="lead">{text}</p>
        <div class="error-actions">
          {viewer ? (
            <a class="btn btn-primary" href="/chat">
              <Icon name="chat" /> Back to your chats
            </a>
          ) : (
            <a class="btn btn-primary" href="/login">
              Go to the login page
            </a>
          )}
          <a class="btn btn-secondary" href="/">
            Home page
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
