// The directory in an LDAP server (OpenLDAP in practice), reached with ldapts. Each user is an
// inetOrgPerson entry `uid=<login>,<base DN>`:
//   uid = login, givenName = first name, sn = last name, cn = "first last", mail = email,
//   employeeNumber = card number, userPassword = {PBKDF2-SHA256}<iter>$<salt>$<hash> (the string
//   src/auth/password.ts makes), userCertificate;binary = DER of the current certificate.
// The CA's state (every certificate issued, pending or revoked) stays in SQLite; only the user's
// current certificate lives here. docs/ldap.md has the whole story.
//
// Two stores cannot share a transaction, so a registration runs as: stage the certificate record
// (pending) → add the entry → confirm. A refusal from the server discards the record at once. When
// the connection breaks mid-add the outcome is unknown: the entry is looked up again, and if that
// is impossible too the record stays pending, to be settled as soon as the server answers again
// (or by Lifecycle.reconcile on the next start, whichever comes first).
//
// No value from a user is ever spliced into a filter string: filters are ldapts Filter objects,
// sent as BER with each value as an octet string. The one user value in a DN (the login) goes
// through escapeDnValue (RFC 4514).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import {
  AlreadyExistsError,
  AndFilter,
  Attribute,
  Change,
  Client,
  ConstraintViolationError,
  EqualityFilter,
  InvalidCredentialsError,
  NoSuchObjectError,
  PresenceFilter,
  ResultCodeError,
  type Entry,
  type Filter,
} from 'ldapts';
import { DomainError } from '../../protocol/errors.ts';
import type { Directory, DirectoryUser, Registration, UniqueField } from '../directory.ts';
import { conflictError } from '../conflict.ts';
import { escapeDnValue } from './dn.ts';
import type { LdapConfig } from '../../config.ts';
import { errorText } from '../../protocol/error-messages.ts';

export interface LdapDirectoryOptions {
  url: string;
  /** Empty for an anonymous bind (read-only in any sane directory). */
  bindDn: string;
  bindPassword?: string;
  baseDn: string;
  startTls: boolean;
  /** PEM of the CA(s) to trust for ldaps:// and StartTLS, instead of the system store. */
  ca?: Buffer;
  /** Per-operation limit; a server that stops answering must not hang a request forever. */
  timeoutMs?: number;
  /** Told when an unknown outcome is settled later (never given a password or a value). */
  log?: (msg: string, data?: Record<string, unknown>) => void;
}

/** What `--ldap-*` flags hold (src/config.ts); files are read here, once, at start. */
export type LdapSettings = LdapConfig;

/** Why the server cannot start with this directory, in words an operator can act on. */
export class LdapStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LdapStartError';
  }
}

const CERT = 'userCertificate;binary';
const ATTRIBUTES = ['uid', 'givenName', 'sn', 'cn', 'mail', 'employeeNumber', 'userPassword', CERT, 'createTimestamp'];
const PERSON = new EqualityFilter({ attribute: 'objectClass', value: 'inetOrgPerson' });
const FIELD_ATTRIBUTE: Record<UniqueField, string> = { login: 'uid', email: 'mail', cardNumber: 'employeeNumber' };
const ORDER: UniqueField[] = ['login', 'email', 'cardNumber'];

const unavailable = () =>
  new DomainError('unavailable', errorText('error.directory.unavailable'));

/** A refusal the server sent (an LDAP result code), as opposed to a broken connection or a timeout. */
const refused = (err: unknown): err is ResultCodeError => err instanceof ResultCodeError;

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Runs tasks one after another: registrations from this process never race each other. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => {});
    return next;
  }
}

function values(entry: Entry, name: string): (string | Buffer)[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : entry[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function text(entry: Entry, name: string): string | undefined {
  const v = values(entry, name)[0];
  return v === undefined ? undefined : Buffer.isBuffer(v) ? v.toString('utf8') : v;
}

/** GeneralizedTime (`20260115103000Z`, maybe with a fraction) → RFC 3339 with milliseconds. */
function fromGeneralizedTime(t: string | undefined): string {
  const m = t && /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:[.,](\d+))?Z$/.exec(t);
  if (!m) return new Date(0).toISOString();
  const ms = Number(`0.${m[7] ?? '0'}`) * 1000;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], Math.floor(ms))).toISOString();
}

/**
 * An entry as a user, or undefined when it lacks what a TEKUP_chat user has (an entry an operator
 * made by hand without a certificate, say): such entries still hold their login, email and card
 * number against newcomers, but nobody can log in as them.
 */
function toUser(entry: Entry, login?: string): DirectoryUser | undefined {
  const uids = values(entry, 'uid').map(String);
  const uid = login !== undefined ? uids.find((u) => u === login) : uids[0];
  const cert = values(entry, CERT)[0];
  const firstName = text(entry, 'givenName');
  const lastName = text(entry, 'sn');
  const email = text(entry, 'mail');
  const cardNumber = text(entry, 'employeeNumber');
  const passwordHash = text(entry, 'userPassword');
  if (!uid || !Buffer.isBuffer(cert) || !firstName || !lastName || !email || !cardNumber || !passwordHash) return undefined;
  return {
    login: uid,
    cardNumber,
    firstName,
    lastName,
    email,
    passwordHash,
    certificate: new Uint8Array(cert),
    createdAt: fromGeneralizedTime(text(entry, 'createTimestamp')),
  };
}

export class LdapDirectory implements Directory {
  readonly kind = 'ldap' as const;
  private readonly o: LdapDirectoryOptions;
  private client?: Client;
  private connecting?: Promise<Client>;
  private readonly writes = new Serial();
  /** Registrations whose add may or may not have reached the server; settled once it answers. */
  private unsettled: Registration[] = [];
  private closed = false;

  private constructor(options: LdapDirectoryOptions) {
    this.o = options;
  }

  /**
   * Connects, binds and checks that the base DN exists, so a misconfigured server refuses to start
   * instead of failing the first user. The bind password and CA come from files (never flags).
   */
  static async open(settings: LdapSettings, log?: LdapDirectoryOptions['log']): Promise<LdapDirectory> {
    const read = (what: string, file: string) => {
      try {
        return readFileSync(file);
      } catch (err) {
        throw new LdapStartError(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    };
    if (settings.bindDn && !settings.bindPasswordFile) {
      throw new LdapStartError('--ldap-bind-dn needs --ldap-password-file (a file holding the bind password).');
    }
    // A trailing newline is what `echo secret > file` leaves; it is never part of the password.
    const bindPassword = settings.bindPasswordFile
      ? read('--ldap-password-file', settings.bindPasswordFile).toString('utf8').replace(/\r?\n$/, '')
      : undefined;
    const directory = new LdapDirectory({
      url: settings.url,
      bindDn: settings.bindDn,
      bindPassword,
      baseDn: settings.baseDn,
      startTls: settings.startTls,
      ca: settings.caFile ? read('--ldap-ca', settings.caFile) : undefined,
      log,
    });
    await directory.check();
    return directory;
  }

  /** For tests and tools that already hold the password. */
  static async connect(options: LdapDirectoryOptions): Promise<LdapDirectory> {
    const directory = new LdapDirectory(options);
    await directory.check();
    return directory;
  }

  private async check(): Promise<void> {
    const { url, bindDn, baseDn } = this.o;
    try {
      const c = await this.connection();
      await c.search(baseDn, { scope: 'base', attributes: ['1.1'] });
    } catch (err) {
      await this.close();
      if (err instanceof InvalidCredentialsError) {
        throw new LdapStartError(`the LDAP server at ${url} refused the bind as "${bindDn}": check --ldap-bind-dn and --ldap-password-file.`);
      }
      if (err instanceof NoSuchObjectError) {
        throw new LdapStartError(`the base DN "${baseDn}" does not exist on ${url}: create it (an organizationalUnit, say) or fix --ldap-base-dn.`);
      }
      if (refused(err)) throw new LdapStartError(`the LDAP server at ${url} refused to check the base DN "${baseDn}": ${err.message}`);
      throw new LdapStartError(`cannot reach the LDAP server at ${url}: ${(err as Error).message || String(err)}`);
    }
  }

  /** A connected, bound client; a new one whenever the last connection closed. */
  private connection(): Promise<Client> {
    if (this.closed) return Promise.reject(new Error('The LDAP directory is closed.'));
    // Checked synchronously right before each operation: ldapts reconnects a closed client on its
    // own but without binding again, and an operation must never run unauthenticated.
    if (this.client?.isConnected) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const { url, bindDn, bindPassword, startTls, ca } = this.o;
    const timeout = this.o.timeoutMs ?? 10_000;
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    const tls: ConnectionOptions = { ca, host, servername: isIP(host) ? undefined : host, minVersion: 'TLSv1.2' };
    this.client = undefined;
    // Only for ldaps://: ldapts speaks TLS from the first byte whenever tlsOptions has any value.
    const ldaps = url.startsWith('ldaps://');
    const c = new Client({ url, timeout, connectTimeout: Math.min(timeout, 5000), ...(ldaps ? { tlsOptions: tls } : {}) });
    try {
      if (startTls && !ldaps) await c.startTLS(tls);
      if (bindDn) await c.bind(bindDn, bindPassword ?? '');
    } catch (err) {
      await c.unbind().catch(() => {});
      throw err;
    }
    this.client = c;
    if (this.unsettled.length) void this.writes.run(() => this.settle()).catch(() => {});
    return c;
  }

  /** A read, tried once more on a fresh connection when the first one broke (not when refused). */
  private async read<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const c = await this.connection();
        return await fn(c);
      } catch (err) {
        if (refused(err)) throw err;
        this.drop();
        if (attempt === 1) throw unavailable();
      }
    }
  }

  /** Forgets a connection that failed, so the next operation makes a new one. */
  private drop(): void {
    const c = this.client;
    this.client = undefined;
    c?.unbind().catch(() => {});
  }

  private search(filter: Filter, attributes = ATTRIBUTES): Promise<Entry[]> {
    return this.read(async (c) => {
      const { searchEntries } = await c.search(this.o.baseDn, {
        scope: 'one',
        filter,
        attributes,
        explicitBufferAttributes: [CERT],
        // Large directories: the server's size limit (500 by default in slapd) applies per page.
        paged: { pageSize: 200 },
      });
      return searchEntries;
    });
  }

  private byLogin(login: string): Promise<Entry[]> {
    return this.search(new AndFilter({ filters: [PERSON, new EqualityFilter({ attribute: 'uid', value: login })] }));
  }

  private dnFor(login: string): string {
    return `uid=${escapeDnValue(login)},${this.o.baseDn}`;
  }

  async get(login: string): Promise<DirectoryUser | undefined> {
    for (const entry of await this.byLogin(login)) {
      const user = toUser(entry, login);
      if (user) return user;
    }
    return undefined;
  }

  async list(): Promise<DirectoryUser[]> {
    const entries = await this.search(new AndFilter({ filters: [PERSON, new PresenceFilter({ attribute: 'uid' })] }));
    const users = entries.map((e) => toUser(e)).filter((u): u is DirectoryUser => u !== undefined);
    return users.sort((a, b) => (a.login < b.login ? -1 : a.login > b.login ? 1 : 0));
  }

  /**
   * One equality search per field, so the server's own matching rules decide: mail is
   * caseIgnoreIA5Match (case-insensitive, as the port requires), uid and employeeNumber
   * caseIgnoreMatch. `besides` leaves out the entry of that login (checking after our own add).
   */
  async findConflicts(u: Pick<DirectoryUser, UniqueField>, besides?: string): Promise<UniqueField[]> {
    const hits = await Promise.all(
      ORDER.map(async (field) => {
        const entries = await this.search(new EqualityFilter({ attribute: FIELD_ATTRIBUTE[field], value: u[field] }), ['uid']);
        return entries.some((e) => besides === undefined || !values(e, 'uid').map(String).includes(besides));
      }),
    );
    return ORDER.filter((_, i) => hits[i]);
  }

  register(r: Registration): Promise<void> {
    return this.writes.run(() => this.registerNow(r));
  }

  private async registerNow(r: Registration): Promise<void> {
    if (this.unsettled.length) await this.settle();
    const u = r.user;
    // mail is an IA5String (RFC 4524): an address with non-ASCII characters cannot be stored.
    if (!/^[\x20-\x7e]+$/.test(u.email)) {
      const message = errorText('error.directory.asciiEmail');
      throw new DomainError('validation', message, { email: message });
    }
    // Again, now that no other registration of this process can slip in between.
    const taken = await this.findConflicts(u);
    if (taken.length) throw conflictError(taken);

    const dn = this.dnFor(u.login);
    try {
      await r.stage();
    } catch (err) {
      // Staging writes one row or none; make sure it is none.
      await r.discard();
      throw err;
    }
    let client: Client;
    try {
      client = await this.connection();
    } catch {
      await r.discard(); // nothing was sent
      throw unavailable();
    }
    try {
      await client.add(dn, this.entryFor(u));
    } catch (err) {
      return this.afterFailedAdd(r, err);
    }

    // A directory without a uniqueness overlay lets two servers add the same email or card number
    // at once: the later one sees two entries and backs out (both may; neither duplicate stays).
    let duplicate: UniqueField[] = [];
    try {
      duplicate = await this.findConflicts(u, u.login);
    } catch {
      duplicate = []; // unknown; the add itself succeeded, keep it
    }
    if (duplicate.length) {
      await this.undo(r, dn);
      throw conflictError(duplicate);
    }

    try {
      await r.confirm();
    } catch (err) {
      await this.undo(r, dn);
      throw err;
    }
  }

  private entryFor(u: DirectoryUser): Attribute[] {
    const a = (type: string, ...vals: string[]) => new Attribute({ type, values: vals });
    return [
      a('objectClass', 'top', 'person', 'organizationalPerson', 'inetOrgPerson'),
      a('uid', u.login),
      a('cn', `${u.firstName} ${u.lastName}`),
      a('sn', u.lastName),
      a('givenName', u.firstName),
      a('mail', u.email),
      a('employeeNumber', u.cardNumber),
      a('userPassword', u.passwordHash),
      new Attribute({ type: CERT, values: [Buffer.from(u.certificate)] }),
    ];
  }

  private async afterFailedAdd(r: Registration, err: unknown): Promise<never> {
    const u = r.user;
    if (refused(err)) {
      await r.discard();
      if (err instanceof AlreadyExistsError) throw conflictError('login');
      if (err instanceof ConstraintViolationError) {
        // The server's uniqueness overlay ("some attributes not unique") got there first.
        const fields = await this.findConflicts(u).catch(() => []);
        if (fields.length) throw conflictError(fields);
      }
      throw new Error(`The LDAP server refused the new entry for "${u.login}": ${err.message}`);
    }
    // The connection broke with the add in flight: it may have been applied.
    this.drop();
    const outcome = await this.outcome(r);
    if (outcome === 'added') {
      await r.confirm();
      return undefined as never;
    }
    if (outcome === 'absent') await r.discard();
    else this.unsettled.push(r);
    throw unavailable();
  }

  /** Whether the entry for `r` now holds its certificate, according to the server, if reachable. */
  private async outcome(r: Registration): Promise<'added' | 'absent' | 'unknown'> {
    try {
      const now = await this.get(r.user.login);
      return now && same(now.certificate, r.user.certificate) ? 'added' : 'absent';
    } catch {
      return 'unknown';
    }
  }

  /** Takes a just-added entry out again and forgets its certificate; if the delete cannot be sent, settles later. */
  private async undo(r: Registration, dn: string): Promise<void> {
    try {
      const c = await this.connection();
      await c.del(dn);
      await r.discard();
    } catch (err) {
      if (err instanceof NoSuchObjectError) await r.discard();
      else this.unsettled.push(r);
    }
  }

  /** Settles registrations whose outcome was unknown, now that the server answers again. */
  private async settle(): Promise<void> {
    const waiting = this.unsettled;
    this.unsettled = [];
    for (const r of waiting) {
      const outcome = await this.outcome(r);
      if (outcome === 'added') await r.confirm();
      else if (outcome === 'absent') await r.discard();
      else this.unsettled.push(r);
      this.o.log?.('ldap registration settled', { login: r.user.login, outcome });
    }
  }

  /** Replaces the user's current certificate (renewal). Unknown logins change nothing. */
  setCertificate(login: string, der: Uint8Array): Promise<void> {
    return this.replace(login, CERT, Buffer.from(der), (u) => same(u.certificate, der));
  }

  /** Replaces the user's password hash (a password change). Unknown logins change nothing. */
  setPasswordHash(login: string, passwordHash: string): Promise<void> {
    return this.replace(login, 'userPassword', passwordHash, (u) => u.passwordHash === passwordHash);
  }

  private replace(login: string, type: string, value: Buffer | string, inPlace: (now: DirectoryUser) => boolean): Promise<void> {
    return this.writes.run(async () => {
      const entry = (await this.byLogin(login)).find((e) => toUser(e, login));
      if (!entry) return;
      // ldapts types the values as all strings or all buffers.
      const values: string[] | Buffer[] = typeof value === 'string' ? [value] : [value];
      const change = new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
      try {
        const c = await this.connection();
        await c.modify(entry.dn, change);
      } catch (err) {
        if (refused(err)) throw err;
        // Broken mid-modify: report success only if the new value is in place.
        this.drop();
        const now = await this.get(login).catch(() => undefined);
        if (!now || !inPlace(now)) throw unavailable();
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = undefined;
    await c?.unbind().catch(() => {});
  }
}
