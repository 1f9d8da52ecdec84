// createHttp: the HTTP face of a core (src/core.ts): the guards every request passes, then each
// area's routes. Each route carries its own session check, so the order they are mounted in does
// not matter.
import { Hono } from 'hono';
import { headers, csrfGuard, limitBody } from './web/security.ts';
import { notFound, onError } from './web/errors.ts';
import { errorPage } from './web/error-page.tsx';
import { caRoutes } from './web/routes/ca.ts';
import { certificateCheckRoutes } from './web/routes/certificate-check.ts';
import { revocationRoutes } from './web/routes/revocation.ts';
import { durableAnswers } from './web/durable.ts';
import { enrollRoutes } from './web/routes/enroll.ts';
import { staticRoutes } from './web/routes/static.ts';
import { sessionRoutes } from './web/routes/session.ts';
import { userRoutes } from './web/routes/users.ts';
import { certificateRoutes } from './web/routes/certificate.ts';
import { requireSession } from './web/auth.ts';
import { accountRoutes } from './web/routes/account.ts';
import { messageRoutes } from './web/routes/messages.ts';
import { conversationRoutes } from './web/routes/conversations.ts';
import { pageRoutes } from './web/routes/pages.tsx';
import { certificatesBySerialRoutes } from './web/routes/certificates.ts';
import { recoverRoutes } from './web/routes/recover.ts';
import type { Core } from './core.ts';

export interface Http {
  app: Hono;
  /**
   * Run when shutdown starts, before open requests are waited for: whatever holds a response open
   * for long (SSE streams) registers here to end it, so the HTTP server can finish closing.
   */
  beforeClose: Array<() => void | Promise<void>>;
}

export function createHttp(core: Core): Http {
  const { config, log, now } = core;
  const auth = requireSession(core.sessions, core.sessionUsable);
  const beforeClose: Http['beforeClose'] = [];
  const app = new Hono();
  // Only when logs are written: the path and status cost a few µs to gather for nothing otherwise.
  if (config.logLevel !== 'silent') {
    app.use('*', async (c, next) => {
      const start = performance.now();
      await next();
      log('request', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - start) });
    });
  }
  app.use('*', durableAnswers(core.durable));
  app.use('*', headers());
  app.use('*', csrfGuard(config.publicUrl));
  app.use('*', limitBody());
  // Browser navigations get refusals as a page, everyone else the JSON shape (web/errors.ts).
  const renderErrorPage = errorPage({ auth, directory: core.directory });
  app.onError(onError(log, renderErrorPage));
  app.notFound(notFound(renderErrorPage));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.route('/', staticRoutes());
  app.route('/', caRoutes(core.ca));
  app.route('/', revocationRoutes({ crl: core.crl, ocsp: core.ocsp, log }));
  app.route('/', enrollRoutes(core.enrollment, config.cardPattern, core.limits.enrollPerAddress));
  app.route(
    '/',
    sessionRoutes({
      login: core.login,
      challenges: core.challenges,
      sessions: core.sessions,
      perAddress: core.limits.loginPerAddress,
      perLogin: core.limits.passwordGuesses,
      challengesPerLogin: core.limits.challengesPerLogin,
      secureCookie: config.tls,
      auth,
    }),
  );
  app.route('/', userRoutes(core.roster, auth));
  app.route('/', accountRoutes({ passwords: core.passwords, activity: core.activity, perLogin: core.limits.passwordGuesses, auth }));
  app.route('/', recoverRoutes({ recovery: core.recovery, perAddress: core.limits.recoverPerAddress, perLogin: core.limits.recoverPerLogin }));
  app.route('/', certificateRoutes({ changes: core.certificateChanges, roster: core.roster, records: core.records, ca: core.ca, auth, now }));
  app.route(
    '/',
    messageRoutes({ relay: core.relay, store: core.messages, hub: core.hub, presence: core.presence, auth, streams: core.streams, onShutdown: (fn) => beforeClose.push(fn) }),
  );
  app.route('/', conversationRoutes({ marks: core.marks, auth }));
  app.route('/', certificatesBySerialRoutes(core.records, auth, now));
  app.route('/', certificateCheckRoutes(core.checker, core.limits.checksPerAddress));
  app.route(
    '/',
    pageRoutes({
      roster: core.roster,
      sessions: core.sessions,
      directory: core.directory,
      records: core.records,
      ca: core.ca,
      auth,
      cardPattern: config.cardPattern,
      now,
      checker: core.checker,
      crl: core.crl,
      checksPerAddress: core.limits.checksPerAddress,
      publicUrl: config.publicUrl,
      activity: core.activity,
      marks: core.marks,
    }),
  );
  return { app, beforeClose };
}
