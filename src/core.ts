// createCore: the adapters and the services on them, built once from the configuration. The HTTP
// server (src/http.ts) and the operator's command line (src/admin.ts) share it; neither builds the
// other's half.
import { mkdirSync } from 'node:fs';
import type { Config } from './config.ts';
import type { Log } from './log.ts';
import type { Storage } from './store/storage.ts';
import type { Db } from './store/sqlite/sqlite.ts';
import { openSqliteStorage, type SqliteStorage } from './store/sqlite/open.ts';
import { openPostgresStorage, type PostgresStorage } from './store/postgres/open.ts';
import { openRedisShared, type RedisShared } from './store/redis/open.ts';
import { LdapDirectory } from './directory/ldap/ldap-directory.ts';
import type { Directory } from './directory/directory.ts';
import { Authority } from './pki/authority.ts';
import { PROFILES } from './pki/profiles.ts';
import { Enrollment } from './usecases/enrollment.ts';
import { UserIssuer } from './pki/issue.ts';
import { RateLimiter } from './auth/rate-limit.ts';
import { CertificateChecker } from './pki/check.ts';
import { Activity } from './auth/activity.ts';
import { CrlPublisher } from './pki/crl.ts';
import { OcspResponder } from './pki/ocsp.ts';
import { OcspSigner } from './pki/ocsp-signer.ts';
import { startOcspRefresher } from './pki/ocsp-refresher.ts';
import { Revocation } from './pki/revocation.ts';
import { Challenges } from './auth/challenges.ts';
import { Sessions, type SessionRecord } from './auth/sessions.ts';
import { LoginService } from './auth/login.ts';
import { Presence } from './chat/presence.ts';
import { Roster } from './usecases/roster.ts';
import { PasswordChange } from './auth/password-change.ts';
import { Lifecycle } from './pki/lifecycle.ts';
import { Hub } from './chat/hub.ts';
import { Streams } from './chat/streams.ts';
import { Relay } from './chat/relay.ts';
import { ReadMarks } from './chat/read-marks.ts';
import { Groups } from './chat/groups.ts';
import { groupIdOf } from './protocol/groups.ts';
import { CertificateChanges } from './usecases/certificate-changes.ts';
import { Recovery } from './usecases/recovery.ts';
import { Account } from './usecases/account.ts';
import { DeviceLink } from './usecases/device-link.ts';
import { PasswordCheck } from './auth/password-check.ts';
import { Devices } from './usecases/devices.ts';
import { deviceNow } from './pki/current.ts';
import { FileAttachmentBodies } from './store/files/attachment-bodies.ts';
import { Attachments, startAttachmentSweeper } from './chat/attachment-files.ts';
export interface CoreOptions {
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

/**
 * The embedded directory, or LDAP with --ldap-url: connected, bound and the base DN checked before
 * anything is served (LdapStartError otherwise). Registrations a crash left half-done across the
 * two stores are settled by lifecycle.reconcile() below, for either adapter.
 */
async function openDirectory(config: Config, storage: Storage, log: Log): Promise<Directory> {
  if (config.ldap) return LdapDirectory.open(config.ldap, log);
  return storage.directory;
}

/** PostgreSQL with --database-url (protocol §9), else SQLite in the data directory (the default). */
async function openStorage(config: Config, log: Log, server: boolean): Promise<SqliteStorage | PostgresStorage> {
  if (config.databaseUrl) return openPostgresStorage(config.databaseUrl);
  return openSqliteStorage(config.dataDir, { server, onCheckpointError: (detail) => log('checkpoint failed', { detail }) });
}

/** Redis with --redis-url: unreachable at start is an error (RedisStartError); lost later, logged. */
function openRedis(url: string, log: Log): Promise<RedisShared> {
  return openRedisShared(url, {
    onState: ({ up, detail }) => log(up ? 'redis back: shared with the other instances again' : 'redis lost: serving this instance alone', detail ? { detail } : {}),
    onError: (err) => log('redis', { detail: err instanceof Error ? err.message : String(err) }),
  });
}

export type Core = Awaited<ReturnType<typeof createCore>>;

export async function createCore({ config, log, now = () => new Date(), server = true }: CoreOptions) {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const storage = await openStorage(config, log, server);
  const { records } = storage;
  // Only the server shares live state: the admin command line holds no streams and no limits.
  let redis: RedisShared | undefined;
  try {
    redis = server && config.redisUrl ? await openRedis(config.redisUrl, log) : undefined;
  } catch (err) {
    await storage.close();
    throw err;
  }
  const directory = await openDirectory(config, storage, log);
  const ca = await Authority.open(config.dataDir, PROFILES, now);
  const clock = () => now().getTime();

  const issuer = new UserIssuer({ ca, profile: PROFILES.user, publicUrl: config.publicUrl, days: config.certDays, now });
  const enrollment = new Enrollment({ issuer, records, directory, passwordIterations: config.passwordIterations });
  const sessions = new Sessions(storage.sessions, now);
  const challenges = new Challenges(clock, undefined, redis?.challenges);
  const activity = new Activity({
    store: storage.activity,
    exists: async (who) => (await directory.get(who)) !== undefined,
    now,
    onError: (err) => log('activity not recorded', { detail: err instanceof Error ? err.message : String(err) }),
  });
  const login = new LoginService({ ca, records, directory, challenges, sessions, passwordIterations: config.passwordIterations, now, activity });
  const passwords = new PasswordChange({ directory, sessions, passwordIterations: config.passwordIterations, activity });
  const presence = new Presence(storage.lastSeen, now, (err) => log('last seen not recorded', { detail: err instanceof Error ? err.message : String(err) }), redis?.online);
  const roster = new Roster(directory, presence, records, now);
  const lifecycle = new Lifecycle({
    issuer,
    records,
    directory,
    now,
    onRevoked: async (serial, reason) => {
      if (reason !== 'superseded') await sessions.closeForCertificate(serial);
    },
  });
  if (server) await lifecycle.reconcile();
  // A session lives only while its device holds a current certificate: the one it was opened
  // with, or the one a renewal replaced it with (the same person proved the new key). A device
  // revoked after renewing, or every device replaced by a recovery, ends it.
  const sessionUsable = async (s: SessionRecord) => {
    const r = await records.get(s.certSerial);
    if (!r) return false;
    if (!r.revokedAt) return true;
    return r.revocationReason === 'superseded' && (await deviceNow(records, s.login, s.certSerial)) !== undefined;
  };
  // Open event streams end with their session, however it ended (src/chat/streams.ts).
  const streams = new Streams({
    isLive: async (tokenHash) => {
      const s = await sessions.byHash(tokenHash);
      return s !== undefined && (await sessionUsable(s));
    },
  });
  storage.onSessionsEnded?.(() => streams.sweepSoon());
  const recovery = new Recovery({
    store: storage.recoveryCodes,
    directory,
    lifecycle,
    records,
    sessions,
    passwordIterations: config.passwordIterations,
    now,
    activity,
  });
  const crl = new CrlPublisher({ ca, records, state: storage.caState, hours: PROFILES.crl.hours, now });
  const signer = await OcspSigner.open({ ca, now, log, persist: server });
  const ocsp = await OcspResponder.create({ ca, records, now, log, signer, responses: storage.preparedOcsp });
  // Pre-produced responses are kept ahead by the server alone (src/pki/ocsp-refresher.ts says why).
  const ocspRefresher = server ? startOcspRefresher(ocsp.prepared, log) : undefined;
  const revocation = new Revocation({
    records,
    directory,
    now,
    onRevoked: async (serial) => {
      await sessions.closeForCertificate(serial);
    },
  });
  const certificateChanges = new CertificateChanges({ lifecycle, revocation, activity, records });
  const hub = new Hub(redis?.relay);
  presence.onChange((who, online) => hub.presence(who, online));
  // The streams here may have missed the others' events while Redis was away: they end as at a
  // restart, and their clients resume from the message store (Last-Event-ID) with nothing lost.
  hub.onRelayResumed(() => {
    log('streams ended to resume: events of the other instances may have been missed while redis was away', { streams: streams.count() });
    streams.endAll();
  });
  const messages = storage.messages;
  const relay = new Relay({ directory, records, store: messages, groups: storage.groups, uploads: storage.attachments, hub, presence, now });
  const attachmentBodies = new FileAttachmentBodies(config.attachmentsDir);
  const attachments = new Attachments({
    records: storage.attachments,
    bodies: attachmentBodies,
    now,
    maxBytes: config.maxAttachmentBytes,
    quotaBytes: config.attachmentQuotaBytes,
  });
  // The server alone deletes: the admin command line opens the same data and must not race it.
  const attachmentSweeper = server ? startAttachmentSweeper(attachments, attachmentBodies, log) : undefined;
  const groups = new Groups({
    store: storage.groups,
    exists: async (who) => (await directory.get(who)) !== undefined,
    notify: hub,
    now,
    maxMembers: config.maxGroupMembers,
  });
  const marks = new ReadMarks(storage.readMarks, hub, async (group) => (await storage.groups.get(groupIdOf(group)))?.members.map((m) => m.login) ?? []);
  const devices = new Devices({ records, sessions, changes: certificateChanges, now });
  const account = new Account({ directory, roster, records, sessions, activity, marks, now });
  const deviceLink = new DeviceLink({
    store: storage.linkRequests,
    passwords: new PasswordCheck(directory, config.passwordIterations),
    records,
    lifecycle,
    minKeyBits: issuer.minKeyBits,
    hub,
    activity,
    now,
    onError: (err) => log('old link requests not cleaned up', { detail: err instanceof Error ? err.message : String(err) }),
  });
  const checker = new CertificateChecker({
    ca,
    records,
    now,
  });
  // Each limit counts under its own name in Redis, across every instance.
  const limit = (name: string, perMinute: number) => new RateLimiter(perMinute, 60_000, clock, redis?.counters(name));
  const limits = {
    enrollPerAddress: limit('enrollPerAddress', config.enrollPerMinute),
    loginPerAddress: limit('loginPerAddress', config.addressPerMinute),
    // Password guesses per login, whatever the address: at login and when changing the password.
    passwordGuesses: limit('passwordGuesses', config.loginPerMinute),
    challengesPerLogin: limit('challengesPerLogin', 3 * config.loginPerMinute),
    recoverPerAddress: limit('recoverPerAddress', config.addressPerMinute),
    recoverPerLogin: limit('recoverPerLogin', config.loginPerMinute),
    checksPerAddress: limit('checksPerAddress', config.addressPerMinute),
    // Protocol §6: codes typed to approve a new device, per login (five wrong ones end a request);
    // and a new device's polls for its certificate, per address.
    linkApprovalsPerLogin: limit('linkApprovalsPerLogin', config.loginPerMinute),
    linkPollsPerAddress: limit('linkPollsPerAddress', config.addressPerMinute),
  };

  return {
    config,
    log,
    now,
    storage,
    /** What the instances share, with --redis-url; `up` is false while this one serves alone. */
    redis,
    /** The SQLite connection, for the tests that look inside it (SQLite storage only). */
    get db(): Db {
      if (storage.kind !== 'sqlite') throw new Error('core.db: this core keeps its state in PostgreSQL');
      return storage.db;
    },
    /** Resolves once every write committed so far is on disk. */
    durable: () => storage.durable(),
    ca,
    records,
    directory,
    enrollment,
    sessions,
    sessionUsable,
    challenges,
    activity,
    login,
    passwords,
    presence,
    roster,
    lifecycle,
    certificateChanges,
    devices,
    account,
    deviceLink,
    streams,
    recovery,
    crl,
    ocsp,
    hub,
    messages,
    relay,
    attachments,
    groups,
    marks,
    /** Each person's interface language, kept on the server so it follows them to every device. */
    settings: storage.settings,
    checker,
    limits,
    async close() {
      await ocspRefresher?.stop();
      await attachmentSweeper?.stop();
      // Before the storage: takes this instance's users off presence at once.
      await redis?.close();
      if (directory !== storage.directory) await directory.close();
      await storage.directory.close();
      await storage.close();
    },
  };
}
