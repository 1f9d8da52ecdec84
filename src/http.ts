// createHttp: the HTTP face of a core (src/core.ts): the guards every request passes, then each
// area's routes under its own prefix. Each route carries its own session check, and no two groups
// answer one path, so the order they are mounted in does not matter.
import { Hono, type MiddlewareHandler } from 'hono';
import { headers, csrfGuard, limitBody } from './web/security.ts';
import { notFound, onError } from './web/errors.ts';
import { errorPage } from './web/error-page.tsx';
import { caRoutes } from './web/routes/ca.ts';
import { certificateCheckRoutes } from './web/routes/certificate-check.ts';
import { revocationRoutes } from './web/routes/revocation.ts';
import { durableAnswers } from './web/durable.ts';
import { requestLanguage } from './web/i18n.ts';
import { languageRoutes } from './web/routes/language.ts';
import { enrollRoutes } from './web/routes/enroll.ts';
import { staticRoutes } from './web/routes/static.ts';
import { sessionRoutes } from './web/routes/session.ts';
import { deviceRoutes } from './web/routes/devices.ts';
import { userRoutes } from './web/routes/users.ts';
import { certificateRoutes } from './web/routes/certificate.ts';
import { requireSession, type AuthEnv } from './web/auth.ts';
import { accountRoutes } from './web/routes/account.ts';
import { messageRoutes } from './web/routes/messages.ts';
import { conversationRoutes } from './web/routes/conversations.ts';
import { groupRoutes } from './web/routes/groups.ts';
import { attachmentRoutes } from './web/routes/attachments.ts';
import { pageRoutes } from './web/routes/pages.tsx';
import { certificatesBySerialRoutes } from './web/routes/certificates.ts';
import { recoverRoutes } from './web/routes/recover.ts';
import { deviceLinkRoutes } from './web/routes/devices-link.ts';
import type { Core } from './core.ts';

export interface Http {
  app: Hono;
  /**
   * What the HTTP server calls: `app.fetch`, except that OCSP requests go straight to the
   * revocation routes (see below); anything those do not answer falls through to `app`.
   */
  fetch: (req: Request, env?: unknown) => Response | Promise<Response>;
  /**
   * Run when shutdown starts, before open requests are waited for: whatever holds a response open
   * for long (SSE streams) registers here to end it, so the HTTP server can finish closing.
   */
  beforeClose: Array<() => void | Promise<void>>;
}

export function createHttp(core: Core): Http {
  const { config, log } = core;
  const auth = requireSession(core.sessions, core.sessionUsable);
  const beforeClose: Http['beforeClose'] = [];
  const app = new Hono();
  // Only when logs are written: the path and status cost a few µs to gather for nothing otherwise.
  const logging = config.logLevel !== 'silent';
  /** Logs each request once it is answered, unless it was passed on to an app that logs it. */
  const logRequests =
    (passedOn?: WeakSet<Request>): MiddlewareHandler =>
    async (c, next) => {
      const start = performance.now();
      await next();
      if (!passedOn?.has(c.req.raw)) log('request', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - start) });
    };
  if (logging) app.use('*', logRequests());
  const groups = routeGroups(core, auth, (fn) => beforeClose.push(fn));
  // The one group mounted before the layers is the revocation routes, which the OCSP fast path
  // below also serves: a second early group would need that to name its group instead, so starting
  // refuses one rather than route OCSP wrongly.
  const early = groups.filter(([, , isEarly]) => isEarly);
  if (early.length !== 1) throw new Error(`createHttp: the OCSP fast path expects one early route group, the revocation routes; found ${early.length}`);
  const [[revocationPrefix, revocation]] = early;
  // Revocation status before every layer below: its answers are DER files, the same for every
  // reader, in no language, and change nothing, so there is no durable write to wait for and no
  // form to guard; it puts the security headers in its answers itself and checks its one POST's
  // declared length itself. Relying parties ask it far more often than anything else is asked,
  // and those layers were half of an OCSP answer's time beyond a bare handler's.
  app.route(revocationPrefix, revocation);
  // First of the rest, so that every page and error page, and whatever throws, knows the reader's language.
  app.use('*', requestLanguage());
  app.use('*', durableAnswers(core.durable));
  app.use('*', headers());
  app.use('*', csrfGuard(config.publicUrl));
  app.use('*', limitBody({ 'POST /api/v1/attachments': config.maxAttachmentBytes }));
  // Browser navigations get refusals as a page, everyone else the JSON shape (web/errors.ts).
  const renderErrorPage = errorPage({ auth, directory: core.directory });
  const errors = onError(log, renderErrorPage, (err) => core.storage.isUnavailable(err));
  app.onError(errors);
  app.notFound(notFound(renderErrorPage));

  // A lost Redis leaves this instance serving its own users alone: still 200, so a load balancer
  // keeps it, but "degraded" so monitoring sees that the instances no longer share live state.
  app.get('/healthz', (c) => c.json(core.redis && !core.redis.up ? { status: 'degraded', redis: 'down' } : { status: 'ok' }));
  for (const [prefix, routes, isEarly] of groups) if (!isEarly) app.route(prefix, routes);

  // Relying parties ask the OCSP responder far more often than anything else is asked (RFC 5019's
  // GET form, from every TLS stack and browser checking a certificate): its requests skip the
  // app's router, ~150 routes deep, and go to the revocation routes' own few. Whatever those do not
  // answer (a wrong method, say) is handed to the app as it came, so nothing answers differently.
  const passedOn = new WeakSet<Request>();
  const fallThrough = new Hono();
  if (logging) fallThrough.use('*', logRequests(passedOn));
  fallThrough.route(revocationPrefix, revocation);
  fallThrough.notFound((c) => {
    passedOn.add(c.req.raw);
    return app.fetch(c.req.raw, c.env);
  });
  fallThrough.onError(errors);
  const fetch: Http['fetch'] = (req, env) => (isOcspUrl(req.url) ? fallThrough.fetch(req, env) : app.fetch(req, env));
  return { app, fetch, beforeClose };
}

/** `/ocsp` or below it, read from the absolute URL without parsing it. */
function isOcspUrl(url: string): boolean {
  const path = url.indexOf('/', url.indexOf('//') + 2);
  return path >= 0 && url.startsWith('/ocsp', path) && (url.length === path + 5 || url[path + 5] === '/' || url[path + 5] === '?');
}

/**
 * Each area under its own prefix. No two groups answer the same path (test/route-groups.test.ts),
 * so the order they are mounted in decides nothing. `early`: mounted before the app's layers
 * (language, durable answers, security headers, CSRF, body limit): it does without the others
 * and sets the security headers itself.
 */
// Hono<any>: the groups' environments differ (some set the session), and app.route takes each.
export function routeGroups(core: Core, auth: MiddlewareHandler<AuthEnv>, onShutdown: (fn: () => void) => void): Array<[prefix: string, routes: Hono<any>, early?: true]> {
  const { config, log, now } = core;
  return [
    ['/assets', staticRoutes()],
    ['/ca', caRoutes(core.ca)],
    // The CRL beside the CA's documents, and the OCSP responder at /ocsp: both are protocol §1.
    ['/', revocationRoutes({ crl: core.crl, ocsp: core.ocsp, log }), true],
    ['/api/v1', apiRoutes(core, auth, onShutdown)],
    ['/', languageRoutes({ settings: core.settings, auth, secureCookie: config.tls })],
    [
      '/',
      pageRoutes({
        roster: core.roster,
        account: core.account,
        devices: core.devices,
        ca: core.ca,
        auth,
        cardPattern: config.cardPattern,
        now,
        checker: core.checker,
        crl: core.crl,
        checksPerAddress: core.limits.checksPerAddress,
        publicUrl: config.publicUrl,
        settings: core.settings,
      }),
    ],
  ];
}

/** Protocol §2–§5 and their extensions, each area's paths relative to /api/v1. */
function apiRoutes(core: Core, auth: MiddlewareHandler<AuthEnv>, onShutdown: (fn: () => void) => void): Hono<AuthEnv> {
  const { config, limits } = core;
  const api = new Hono<AuthEnv>();
  api.route('/', enrollRoutes(core.enrollment, config.cardPattern, limits.enrollPerAddress));
  api.route(
    '/',
    sessionRoutes({
      login: core.login,
      challenges: core.challenges,
      sessions: core.sessions,
      perAddress: limits.loginPerAddress,
      perLogin: limits.passwordGuesses,
      challengesPerLogin: limits.challengesPerLogin,
      secureCookie: config.tls,
      auth,
    }),
  );
  api.route('/', userRoutes(core.roster, core.devices, auth));
  api.route('/', deviceRoutes(core.devices, auth));
  api.route('/', accountRoutes({ passwords: core.passwords, activity: core.activity, perLogin: limits.passwordGuesses, auth }));
  api.route('/', recoverRoutes({ recovery: core.recovery, perAddress: limits.recoverPerAddress, perLogin: limits.recoverPerLogin }));
  api.route(
    '/',
    deviceLinkRoutes({
      links: core.deviceLink,
      auth,
      perAddress: limits.loginPerAddress,
      passwordGuesses: limits.passwordGuesses,
      approvalsPerLogin: limits.linkApprovalsPerLogin,
      pollsPerAddress: limits.linkPollsPerAddress,
    }),
  );
  api.route('/', certificateRoutes({ changes: core.certificateChanges, account: core.account, ca: core.ca, auth }));
  api.route('/', messageRoutes({ relay: core.relay, store: core.messages, hub: core.hub, presence: core.presence, groups: core.groups, auth, streams: core.streams, onShutdown }));
  api.route('/', conversationRoutes({ marks: core.marks, auth }));
  api.route('/', groupRoutes({ groups: core.groups, marks: core.marks, auth }));
  api.route('/', attachmentRoutes({ attachments: core.attachments, auth }));
  api.route('/', certificatesBySerialRoutes(core.records, auth, core.now));
  api.route('/', certificateCheckRoutes(core.checker, limits.checksPerAddress));
  return api;
}
