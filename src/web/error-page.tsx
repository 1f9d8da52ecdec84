// The error page's renderer for src/web/errors.ts: who is signed in (their app bar and a way back
// to their chats) or not (the public bar and the login page). It only reads the session; a request
// that failed never gets a new one here.
import type { Context, MiddlewareHandler } from 'hono';
import type { Directory } from '../directory/directory.ts';
import { DomainError } from '../protocol/errors.ts';
import type { AuthEnv } from './auth.ts';
import type { ErrorPageRenderer } from './errors.ts';
import { page, type Viewer } from './components/Layout.tsx';
import { ErrorPage } from './pages/ErrorPage.tsx';

export function errorPage(d: { auth: MiddlewareHandler<AuthEnv>; directory: Directory }): ErrorPageRenderer {
  const viewerOf = async (c: Context<AuthEnv>): Promise<Viewer | undefined> => {
    try {
      await d.auth(c, async () => {});
    } catch (err) {
      if (err instanceof DomainError) return undefined;
      throw err;
    }
    const login = c.get('session')?.login;
    const user = login ? await d.directory.get(login) : undefined;
    return user && { login: user.login, firstName: user.firstName, lastName: user.lastName };
  };
  return async (c, { status, body }) => {
    // The directory may be what failed (503): the page is drawn for nobody in particular then.
    const viewer = await viewerOf(c as Context<AuthEnv>).catch(() => undefined);
    c.header('cache-control', 'no-store');
    return c.html(await page(<ErrorPage status={status} message={body.message} path={c.req.path} viewer={viewer} />), status);
  };
}
