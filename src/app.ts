// The only wiring place: config → adapters → services → routes.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { Config } from './config.ts';
import type { Log } from './log.ts';
import { openDatabase, type Db } from './store/sqlite.ts';
import { startCheckpoints } from './store/checkpoints.ts';
import { SqliteCertificateRecords } from './store/certificates.ts';
import { EmbeddedDirectory } from './directory/embedded.ts';
import { LdapDirectory } from './directory/ldap.ts';
import type { Directory } from './directory/directory.ts';
import { Authority } from './pki/authority.ts';
import { PROFILES } from './pki/profiles.ts';
import { Enrollment } from './pki/enrollment.ts';
import { UserIssuer } from './pki/issue.ts';
import { RateLimiter } from './auth/rate-limit.ts';
import { headers, csrfGuard, limitBody } from './web/security.ts';
import { notFound, onError } from './web/errors.ts';
import { errorPage } from './web/error-page.tsx';
import { caRoutes } from './web/routes/ca.ts';
import { certificateCheckRoutes } from './web/routes/certificate-check.ts';
import { CertificateChecker } from './pki/check.ts';
import { Activity } from './auth/activity.ts';
import { SqliteActivity } from './store/activity.ts';
import { revocationRoutes } from './web/routes/revocation.ts';
import { SqliteCaState } from './store/ca-state.ts';
import { CrlPublisher } from './pki/crl.ts';
import { durableAnswers } from './web/durable.ts';
import { OcspResponder } from './pki/ocsp.ts';
import { OcspSigner } from './pki/ocsp-signer.ts';
import { Revocation } from './pki/revocation.ts';
import { enrollRoutes } from './web/routes/enroll.ts';
import { staticRoutes } from './web/routes/static.ts';
import { Challenges } from './auth/challenges.ts';
import { Sessions, type SessionRecord } from './auth/sessions.ts';
import { LoginService } from './auth/login.ts';
import { SqliteSessionStore } from './store/sessions.ts';
import { SqliteLastSeen } from './store/last-seen.ts';
import { Presence } from './chat/presence.ts';
import { Roster } from './usecases/roster.ts';
import { sessionRoutes } from './web/routes/session.ts';
import { userRoutes } from './web/routes/users.ts';
import { certificateRoutes } from './web/routes/certificate.ts';
import { requireSession } from './web/auth.ts';
import { accountRoutes } from './web/routes/account.ts';
import { PasswordChange } from './auth/password-change.ts';
import { Lifecycle } from './pki/lifecycle.ts';
import { Hub } from './chat/hub.ts';
import { Streams } from './chat/streams.ts';
import { Relay } from './chat/relay.ts';
import { SqliteMessageStore } from './store/messages.ts';
import { messageRoutes } from './web/routes/messages.ts';
import { ReadMarks } from './chat/read-marks.ts';
import { SqliteReadMarks } from './store/read-marks.ts';
import { conversationRoutes } from './web/routes/conversations.ts';
import { pageRoutes } from './web/routes/pages.tsx';
import { certificatesBySerialRoutes } from './web/routes/certificates.ts';
import { Recovery } from './auth/recovery.ts';
import { SqliteRecoveryCodes } from './store/recovery-codes.ts';
import { recoverRoutes } from './web/routes/recover.ts';

export interface AppOptions {
  config: Config;
  log: Log;
  /** The clock every service reads; tests pass their own to issue expired certificates. */
  now?: () => Date;
  /**
   * This process is the server (default). Only the server runs the start-up repair
   * (lifecycle.reconcile), writes the OCSP responder's key and certificate, and checkpoints the WAL
   * in the background: the admin command line opens the same data while the server may be half-way
   * through a renewal it would undo, or renewing the responder certificate itself.
   */
  server?: boolean;
}

export interface Service {
  app: Hono;
  ca: Authority;
  db: Db;
  directory: Directory;
  records: SqliteCertificateRecords;
  sessions: Sessions;
  presence: Presence;
  /** Operator revocation (the admin command line). */
  revocation: Revocation;
  /** Operator-assisted recovery: the admin command line issues the one-time codes. */
  recovery: Recovery;
  /** Each user's security activity (the admin command line shows it and adds its own acts). */
  activity: Activity;
  /**
   * Run when shutdown starts, before open requests are waited for: whatever holds a response open
   * for long (SSE streams) registers here to end it, so the HTTP server can finish closing.
   */
  beforeClose: Array<() => void | Promise<void>>;
  close(): Promise<void>;
}

/**
 * The embedded directory, or LDAP with --ldap-url: connected, bound and the base DN checked before
 * anything is served (LdapStartError otherwise). Registrations a crash left half-done across the
 * two stores are settled by lifecycle.reconcile() below, for either adapter.
 */
async function openDirectory(config: Config, db: Db, log: Log): Promise<Directory> {
  if (config.ldap) return LdapDirectory.open(config.ldap, log);
  return new EmbeddedDirectory(db);
}

export async function createService({ config, log, now = () => new Date(), server = true }: AppOptions): Promise<Service> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(join(config.dataDir, 'tekup.db'));
  const checkpoints = server ? startCheckpoints(db, (detail) => log('checkpoint failed', { detail })) : undefined;
  const records = new SqliteCertificateRecords(db);
  const directory = await openDirectory(config, db, log);
  const ca = await Authority.open(config.dataDir, PROFILES, now);

  const issuer = new UserIssuer({ ca, profile: PROFILES.user, publicUrl: config.publicUrl, days: config.certDays, now });
  const enrollment = new Enrollment({ issuer, records, directory, passwordIterations: config.passwordIterations });
  const clock = () => now().getTime();
  const enrollLimiter = new RateLimiter(config.enrollPerMinute, 60_000, clock);
  const sessions = new Sessions(new SqliteSessionStore(db), now);
  const challenges = new Challenges(clock);
  const activity = new Activity({
    store: new SqliteActivity(db),
    exists: async (who) => (await directory.get(who)) !== undefined,
    now,
    onError: (err) => log('activity not recorded', { detail: err instanceof Error ? err.message : String(err) }),
  });
  const login = new LoginService({ ca, records, directory, challenges, sessions, passwordIterations: config.passwordIterations, now, activity });
  const presence = new Presence(new SqliteLastSeen(db), now);
  const roster = new Roster(directory, presence, records, now);
  const lifecycle = new Lifecycle({
    issuer,
    records,
    directory,
    now,
    onRevoked: (serial, reason) => {
      if (reason !== 'superseded') sessions.closeForCertificate(serial);
    },
  });
  if (server) await lifecycle.reconcile();
  // A session lives only while the certificate it was opened with is not revoked (superseded by
  // a renewal is fine: the same person proved the new key).
  const certificateUsable = (s: SessionRecord) => {
    const r = records.get(s.certSerial);
    return r !== undefined && (!r.revokedAt || r.revocationReason === 'superseded');
  };
  const auth = requireSession(sessions, certificateUsable);
  // Open event streams end with their session, however it ended (src/chat/streams.ts).
  const streams = new Streams({
    isLive: (tokenHash) => {
      const s = sessions.byHash(tokenHash);
      return s !== undefined && certificateUsable(s);
    },
  });

  const recovery = new Recovery({
    store: new SqliteRecoveryCodes(db),
    directory,
    lifecycle,
    records,
    sessions,
    passwordIterations: config.passwordIterations,
    now,
  });

  const crl = new CrlPublisher({ ca, records, state: new SqliteCaState(db), hours: PROFILES.crl.hours, now });
  const ocsp = await OcspResponder.create({ ca, records, now, signer: await OcspSigner.open({ ca, now, log, persist: server }) });
  const revocation = new Revocation({
    records,
    directory,
    now,
    onRevoked: (serial, reason) => {
      sessions.closeForCertificate(serial);
      const owner = records.get(serial)?.login;
      if (owner) activity.record(owner, 'certificate_revoked', { serial, reason, by: 'operator' });
    },
  });

  const app = new Hono();
  // Only when logs are written: the path and status cost a few µs to gather for nothing otherwise.
  if (config.logLevel !== 'silent') {
    app.use('*', async (c, next) => {
      const start = performance.now();
      await next();
      log('request', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - start) });
    });
  }
  app.use('*', durableAnswers(db));
  app.use('*', headers());
  app.use('*', csrfGuard(config.publicUrl));
  app.use('*', limitBody());
  // Browser navigations get refusals as a page, everyone else the JSON shape (web/errors.ts).
  const renderErrorPage = errorPage({ auth, directory });
  app.onError(onError(log, renderErrorPage));
  app.notFound(notFound(renderErrorPage));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.route('/', staticRoutes());
  app.route('/', caRoutes(ca));
  app.route('/', revocationRoutes({ crl, ocsp, log }));
  app.route('/', enrollRoutes(enrollment, config.cardPattern, enrollLimiter));
  // Password guesses per login, whatever the address: at login and when changing the password.
  const passwordGuesses = new RateLimiter(config.loginPerMinute, 60_000, clock);
  app.route(
    '/',
    sessionRoutes({
      login,
      challenges,
      sessions,
      perAddress: new RateLimiter(config.addressPerMinute, 60_000, clock),
      perLogin: passwordGuesses,
      challengesPerLogin: new RateLimiter(3 * config.loginPerMinute, 60_000, clock),
      secureCookie: config.tls,
      auth,
    }),
  );
  app.route('/', userRoutes(roster, auth));
  app.route(
    '/',
    accountRoutes({ passwords: new PasswordChange({ directory, sessions, passwordIterations: config.passwordIterations, activity }), activity, perLogin: passwordGuesses, auth }),
  );
  // Before certificateRoutes: its session check covers /api/v1/certificate/*, and recovery is for
  // people who cannot log in (this route answers first, so that check never runs for it).
  app.route(
    '/',
    recoverRoutes({
      recovery,
      activity,
      perAddress: new RateLimiter(config.addressPerMinute, 60_000, clock),
      perLogin: new RateLimiter(config.loginPerMinute, 60_000, clock),
    }),
  );
  app.route('/', certificateRoutes({ lifecycle, roster, records, ca, auth, now, activity }));
  const beforeClose: Service['beforeClose'] = [];
  const hub = new Hub();
  presence.onChange((who, online) => hub.presence(who, online));
  const messageStore = new SqliteMessageStore(db);
  const relay = new Relay({ directory, records, store: messageStore, hub, presence, now });
  app.route('/', messageRoutes({ relay, store: messageStore, hub, presence, auth, streams, onShutdown: (fn) => beforeClose.push(fn) }));
  // After the message store: the read marks count messages through its table and indexes.
  const marks = new ReadMarks(new SqliteReadMarks(db), hub);
  app.route('/', conversationRoutes({ marks, auth }));
  app.route('/', certificatesBySerialRoutes(records, auth, now));
  const checker = new CertificateChecker({
    ca,
    records,
    currentFingerprint: async (who) => (await roster.certificate(who))?.fingerprint,
    now,
  });
  const checksPerAddress = new RateLimiter(config.addressPerMinute, 60_000, clock);
  app.route('/', certificateCheckRoutes(checker, checksPerAddress));
  app.route(
    '/',
    pageRoutes({ roster, sessions, directory, records, ca, auth, cardPattern: config.cardPattern, now, checker, crl, checksPerAddress, publicUrl: config.publicUrl, activity, marks }),
  );

  return {
    app,
    ca,
    db,
    directory,
    records,
    sessions,
    presence,
    revocation,
    recovery,
    activity,
    beforeClose,
    async close() {
      await messageStore.close();
      await directory.close();
      await checkpoints?.stop();
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
