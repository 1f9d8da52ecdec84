// `tekup-chat admin …` (or `npm run admin -- …`): the operator's command line. It opens the same
// data directory as a running server (SQLite in WAL mode lets both work at once) through the same
// core (src/core.ts, without the HTTP app), and never creates or replaces a CA: a data directory
// without one is an error.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseStartError, openPostgres, redact } from './store/postgres/connect.ts';
import { MigrationRefused, copySqliteIntoPostgres } from './store/postgres/import-sqlite.ts';
import * as v from 'valibot';
import { createCore, type Core } from './core.ts';
import { ConfigError, loadConfig, parseFlags, type Config } from './config.ts';
import { DomainError } from './protocol/errors.ts';
import { caFiles } from './pki/authority.ts';
import { REVOCATION_REASONS } from './pki/revocation.ts';
import { standing } from './pki/status.ts';
import type { CertificateRecord } from './pki/records.ts';
import type { x509 } from './pki/x509.ts';
import { shownCertificate } from './pki/current.ts';
import { RECOVERY_HOURS_DEFAULT, RECOVERY_HOURS_MAX } from './auth/recovery-codes.ts';
import { deviceText } from './shared/format.ts';

const COMMON = `Common options:
  --data DIR    the server's data directory (default ./data, or TEKUP_DATA)
  --json        machine-readable output
  -h, --help    help for the command
The server's other options and environment (e.g. --ldap-url … for an LDAP directory) apply too.`;

const HELP: Record<string, string> = {
  '': `Usage: tekup-chat admin <command> [options]     (from a checkout: npm run admin -- <command> [options])

Commands:
  users                         registered users and their current certificate
  certs [--login L]             issued certificates: serial, login, status, expiry, revocation
  devices --login L [--revoke S [--reason R]]
                                L's devices (one current certificate each); --revoke retires one
  revoke --serial S | --login L [--reason R]
                                revoke one certificate, or every valid certificate of a login
  ca                            the root and intermediate CA: subjects, SHA-256 fingerprints, validity
  recovery-code --login L [--hours H] [--reset-password]
                                a one-time code that lets L get a new certificate without logging in
  activity --login L            L's security activity: logins, refused logins, password changes,
                                renewals, revocations, recoveries, with address and device
  migrate --from-data DIR --database-url URL
                                copy a single-node deployment (SQLite in DIR) into an empty PostgreSQL

${COMMON}
Run "tekup-chat admin <command> --help" for one command. Safe to run while the server is running.
Exit status: 0 done, 1 refused (unknown serial or login, nothing to revoke, no CA), 2 bad usage.`,
  'recovery-code': `Usage: tekup-chat admin recovery-code --login L [--hours H] [--reset-password] [--data DIR] [--json]

Creates a one-time recovery code for login L, for someone who can no longer log in: their
certificate was revoked or has expired, or their browser lost the private key. Give it to them
over a channel you trust (in person, by phone), after checking who they are. On the page
/recover (POST /api/v1/certificate/recover) the code, with their password and a new key made in
their browser, gets them a new certificate; every older certificate of theirs not yet revoked is
revoked as superseded and their sessions end. The code is shown once and stored only as its
SHA-256; it works once, until it expires, and a new code for the same login replaces it.

  --login L          the user's login
  --hours H          how long the code works: 1 to ${RECOVERY_HOURS_MAX} hours (default ${RECOVERY_HOURS_DEFAULT})
  --reset-password   for someone who forgot their password too: with this code they choose a
                     new one instead of giving the old one. The code alone then opens the
                     account, so check who they are all the more carefully.
${COMMON}`,
  users: `Usage: tekup-chat admin users [--data DIR] [--json]

Lists every registered user: login, name, email, and the serial, status and expiry of the
certificate the directory holds for them. Card numbers and password hashes are never shown.

${COMMON}`,
  certs: `Usage: tekup-chat admin certs [--login L] [--data DIR] [--json]

Lists the certificates this CA issued (all of them, or one login's), oldest first, with their
status (valid, expiring, expired, revoked, not_yet_valid), expiry and revocation reason.

  --login L     only the certificates of login L
${COMMON}`,
  devices: `Usage: tekup-chat admin devices --login L [--revoke S [--reason R]] [--data DIR] [--json]

Lists the devices of login L: each current certificate (one per device, at most 10) with the
device's name, serial, status, when it was issued, its expiry and when a session of it was last
opened. With --revoke, retires the device whose certificate has serial S: its certificate is
revoked (the CRL and OCSP say so at once) and its sessions end; L's other devices keep working.
It shows in L's security activity as done by the operator.

  --login L     the user's login
  --revoke S    the serial of the device's certificate, as listed
  --reason R    one of ${REVOCATION_REASONS.join(', ')} (default cessationOfOperation)
${COMMON}`,
  revoke: `Usage: tekup-chat admin revoke (--serial S | --login L) [--reason R] [--data DIR] [--json]

Revokes one certificate by serial (hex, as "certs" prints it), or every valid certificate of a
login. The CRL (GET /ca/crl) and OCSP answers of a running server reflect it at once, and
sessions opened with a revoked certificate end.

  --serial S    the certificate's serial number
  --login L     revoke every valid (not expired, not revoked) certificate of this login
  --reason R    one of ${REVOCATION_REASONS.join(', ')} (default unspecified)
${COMMON}`,
  activity: `Usage: tekup-chat admin activity --login L [--data DIR] [--json]

Shows the newest security events of login L (at most 50), as L sees them on My certificate:
logins, logins refused under that name (a wrong password, a certificate TEKUP_chat did not
issue, …), password changes, renewals, revocations, recovery codes issued and used, each with
the address and device it came from. Useful before issuing a recovery code.

  --login L     the user's login
${COMMON}`,
  migrate: `Usage: tekup-chat admin migrate --from-data DIR --database-url URL [--json]

Copies everything a single-node deployment keeps in DIR/tekup.db (users, certificate records, CA
counters, sessions, recovery codes, activity, messages, read marks, last seen, OCSP responses)
into the PostgreSQL database at URL, creating its schema, in one transaction: each table's count
is checked before anything is committed. Refused (exit 1, nothing written) when the database
already holds data, so it never runs twice. Stop the single-node server first; afterwards start
every instance with --data DIR (the CA keys stay there) and --database-url URL.

  --from-data DIR     the single-node server's data directory
  --database-url URL  the PostgreSQL database (postgres://…), empty
  --json              the counts copied, as JSON
`,
  ca: `Usage: tekup-chat admin ca [--data DIR] [--json]

Shows the root and intermediate CA certificates: subject, serial, SHA-256 fingerprint (the value
to compare with what a relying party trusts) and validity. Nothing is created or rotated.

${COMMON}`,
};

/** Each command's own flags. Every other flag is the server's (--data, --ldap-url, …) and means the same. */
/** One command: its own flags, how they become arguments, and what it does on the core. */
interface Command<A> {
  values: readonly string[];
  switches: readonly string[];
  /** Checked before anything is opened, so a typo costs nothing. */
  parse: (mine: Own) => A;
  run: (core: Core, out: Out, json: boolean, args: A) => Promise<void>;
  /** A command that must not open the core (it works on the stores themselves). */
  alone?: (config: Config, out: Out, json: boolean, args: A) => Promise<void>;
}
const command = <A,>(c: Command<A>) => c as Command<unknown>;
const none = () => undefined;

const COMMANDS: Record<string, Command<unknown>> = {
  users: command({ values: [], switches: ['json', 'help'], parse: none, run: (core, out, json) => users(core, out, json) }),
  certs: command({ values: ['login'], switches: ['json', 'help'], parse: (m) => (m.login as string | undefined)?.trim().toLowerCase(), run: certs }),
  revoke: command({ values: ['serial', 'login', 'reason'], switches: ['json', 'help'], parse: parseRevoke, run: revoke }),
  devices: command({ values: ['login', 'revoke', 'reason'], switches: ['json', 'help'], parse: parseDevices, run: devices }),
  ca: command({ values: [], switches: ['json', 'help'], parse: none, run: (core, out, json) => showCa(core, out, json) }),
  'recovery-code': command({ values: ['login', 'hours'], switches: ['json', 'help', 'reset-password'], parse: parseRecoveryCode, run: recoveryCode }),
  activity: command({ values: ['login'], switches: ['json', 'help'], parse: parseLogin, run: activity }),
  migrate: command({ values: ['from-data'], switches: ['json', 'help'], parse: parseMigrate, run: async () => {}, alone: migrate }),
};

type Own = Record<string, string | true | undefined>;

/** Separates the command's own flags from the server's, which go to loadConfig as they are. */
function splitArgs(own: Pick<Command<unknown>, 'values' | 'switches'>, args: string[]): { mine: Own; server: string[] } {
  const mine: Own = {};
  const server: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (arg === '-h' || (m && own.switches.includes(m[1]) && m[2] === undefined)) {
      mine[arg === '-h' ? 'help' : m![1]] = true;
    } else if (m && own.values.includes(m[1])) {
      const value = m[2] ?? args[++i];
      if (value === undefined || (m[2] === undefined && value.startsWith('-'))) throw new UsageError(`--${m[1]} needs a value.`);
      if (mine[m[1]] !== undefined) throw new UsageError(`--${m[1]} was given twice.`);
      mine[m[1]] = value;
    } else {
      server.push(arg);
    }
  }
  try {
    const { positionals } = parseFlags(server);
    if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  } catch (err) {
    // Node's parser adds advice about positionals starting with "-", which does not apply here.
    if (err instanceof ConfigError) throw new UsageError(err.message.replace(/\. To specify a positional[\s\S]*$/, '.'));
    throw err;
  }
  return { mine, server };
}

/** The revoke command's flags: a hex serial (colons and 0x tolerated) or a login, and a known reason. */
const revokeSchema = v.object({
  serial: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.toLowerCase(),
      v.transform((s) => s.replace(/^0x/, '').replace(/:/g, '')),
      v.regex(/^[0-9a-f]{1,64}$/, 'The serial is the certificate serial number in hex, as "certs" prints it.'),
    ),
  ),
  login: v.optional(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.minLength(1, 'Give the login to revoke.'))),
  reason: v.optional(v.picklist(REVOCATION_REASONS, `The reason is one of ${REVOCATION_REASONS.join(', ')}.`), 'unspecified'),
});

/** The recovery-code command's flags: a login and a whole number of hours within the limit. */
const recoveryCodeSchema = v.object({
  login: v.pipe(v.string('Say whose code it is: --login L.'), v.trim(), v.toLowerCase(), v.minLength(1, 'Give the login the code is for.')),
  hours: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, `--hours is a whole number of hours, 1 to ${RECOVERY_HOURS_MAX}.`),
      v.transform(Number),
      v.minValue(1, `--hours is a whole number of hours, 1 to ${RECOVERY_HOURS_MAX}.`),
      v.maxValue(RECOVERY_HOURS_MAX, `A code lasts at most ${RECOVERY_HOURS_MAX} hours (a week).`),
    ),
    String(RECOVERY_HOURS_DEFAULT),
  ),
});

class UsageError extends Error {}
class Refused extends Error {}

type Out = (line: string) => void;
interface Io {
  out: Out;
  err: Out;
}

export async function adminCommand(argv: string[], io: Io = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  const [command = '', ...rest] = argv;
  if (command === '' || command === '--help' || command === '-h' || command === 'help') {
    (command === '' ? io.err : io.out)(HELP['']);
    return command === '' ? 2 : 0;
  }
  try {
    const own = COMMANDS[command];
    if (!own) throw new UsageError(`Unknown command "${command}".`);
    const { mine, server } = splitArgs(own, rest);
    if (mine.help) {
      io.out(HELP[command]);
      return 0;
    }
    // Check the flags before opening anything, so a typo costs nothing.
    let config;
    try {
      config = loadConfig([...server, '--no-tls', '--quiet'], process.env);
    } catch (err) {
      if (err instanceof ConfigError) throw new UsageError(err.message);
      throw err;
    }
    const args = own.parse(mine);
    if (own.alone) {
      await own.alone(config, io.out, mine.json === true, args);
      return 0;
    }
    const core = await open(config);
    try {
      await own.run(core, io.out, mine.json === true, args);
    } finally {
      await core.close();
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      const help = COMMANDS[command] ? `tekup-chat admin ${command} --help` : 'tekup-chat admin --help';
      io.err(`tekup-chat admin: ${err.message}\nRun "${help}" for usage.`);
      return 2;
    }
    if (err instanceof Refused || err instanceof DomainError || err instanceof ConfigError || err instanceof MigrationRefused || err instanceof DatabaseStartError) {
      io.err(`tekup-chat admin: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

function parseMigrate(values: Own): { from: string } {
  if (typeof values['from-data'] !== 'string') throw new UsageError('Say which data directory to copy: --from-data DIR.');
  return { from: resolve(values['from-data']) };
}

async function migrate(config: Config, out: Out, json: boolean, args: { from: string }): Promise<void> {
  if (!config.databaseUrl) throw new UsageError('Say where to copy to: --database-url postgres://….');
  const file = join(args.from, 'tekup.db');
  if (!existsSync(file)) throw new Refused(`There is no TEKUP_chat database in ${args.from} (no tekup.db).`);
  const sql = await openPostgres(config.databaseUrl, { max: 1 });
  try {
    const copied = await copySqliteIntoPostgres(file, sql);
    if (json) return out(JSON.stringify({ copied }, null, 2));
    table(out, ['TABLE', 'ROWS'], Object.entries(copied).map(([t, n]) => [t, String(n)]));
    out(`Copied into ${redact(config.databaseUrl)}; every count checked. Start each instance with --data ${args.from} --database-url ….`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const devicesSchema = v.object({
  login: v.pipe(v.string('Say whose devices: --login L.'), v.trim(), v.toLowerCase(), v.minLength(1, 'Give the login whose devices to list.')),
  revoke: v.optional(revokeSchema.entries.serial.wrapped),
  reason: v.optional(v.picklist(REVOCATION_REASONS, `The reason is one of ${REVOCATION_REASONS.join(', ')}.`), 'cessationOfOperation'),
});

function parseDevices(values: Own): v.InferOutput<typeof devicesSchema> {
  if (values.reason !== undefined && values.revoke === undefined) throw new UsageError('--reason goes with --revoke S.');
  const parsed = v.safeParse(devicesSchema, { login: values.login, revoke: values.revoke, reason: values.reason });
  if (!parsed.success) throw new UsageError(parsed.issues[0].message);
  return parsed.output;
}

function parseRevoke(values: Own): v.InferOutput<typeof revokeSchema> {
  if (values.serial !== undefined && values.login !== undefined) throw new UsageError('Give either --serial or --login, not both.');
  if (values.serial === undefined && values.login === undefined) throw new UsageError('Say what to revoke: --serial S or --login L.');
  const parsed = v.safeParse(revokeSchema, { serial: values.serial, login: values.login, reason: values.reason });
  if (!parsed.success) throw new UsageError(parsed.issues[0].message);
  return parsed.output;
}

function parseLogin(values: Own): string {
  if (typeof values.login !== 'string' || values.login === '') throw new UsageError('Say whose activity: --login L.');
  return values.login.trim().toLowerCase(); // logins are lowercase (docs/protocol.md §2)
}

type RecoveryCodeArgs = v.InferOutput<typeof recoveryCodeSchema> & { resetPassword: boolean };

function parseRecoveryCode(values: Own): RecoveryCodeArgs {
  const parsed = v.safeParse(recoveryCodeSchema, { login: values.login, hours: values.hours });
  if (!parsed.success) throw new UsageError(parsed.issues[0].message);
  return { ...parsed.output, resetPassword: values['reset-password'] === true };
}

/** Opens the data directory through the one wiring place, refusing to create a CA where there is none. */
async function open(config: Config): Promise<Core> {
  const { dataDir } = config;
  if (!existsSync(caFiles(dataDir).intermediateCert)) {
    throw new Refused(
      `There is no TEKUP_chat CA in ${dataDir}. Start the server once with --data ${dataDir} to create one ` +
        '(the admin command never creates or replaces a CA), or point --data at the right directory.',
    );
  }
  // No start-up repair: the running server owns that, and may be mid-way through a renewal.
  return createCore({ config, log: () => {}, server: false });
}

/** Fixed-width columns, headed, for people reading a terminal. */
function table(out: Out, head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  out(line(head));
  for (const r of rows) out(line(r));
}

function certJson(r: CertificateRecord, now: Date) {
  const s = standing(r, now);
  return {
    serial: r.serial,
    login: r.login,
    fingerprint: r.fingerprint,
    status: s.status,
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    issuedAt: r.issuedAt,
    ...(r.revokedAt ? { revokedAt: r.revokedAt, revocationReason: r.revocationReason } : {}),
  };
}

async function users(service: Core, out: Out, json: boolean): Promise<void> {
  const now = new Date();
  const list = await Promise.all(
    (await service.directory.list()).map(async (u) => {
      const record = await shownCertificate(service.records, u.login);
      return {
        login: u.login,
        firstName: u.firstName,
        lastName: u.lastName,
        email: u.email,
        createdAt: u.createdAt,
        certificate: record ? certJson(record, now) : null,
      };
    }),
  );
  if (json) return out(JSON.stringify(list, null, 2));
  if (list.length === 0) return out('No users are registered.');
  table(
    out,
    ['LOGIN', 'NAME', 'EMAIL', 'SERIAL', 'STATUS', 'NOT AFTER'],
    list.map((u) => [
      u.login,
      `${u.firstName} ${u.lastName}`,
      u.email,
      u.certificate?.serial ?? '-',
      u.certificate?.status ?? 'unrecorded',
      u.certificate?.notAfter ?? '-',
    ]),
  );
}

async function certs(service: Core, out: Out, json: boolean, login: string | undefined): Promise<void> {
  const now = new Date();
  const records = login === undefined ? await service.records.all() : await service.records.forLogin(login);
  if (login !== undefined && records.length === 0 && !(await service.directory.get(login))) {
    throw new Refused(`No user is registered as "${login}".`);
  }
  const list = records.map((r) => certJson(r, now));
  if (json) return out(JSON.stringify(list, null, 2));
  if (list.length === 0) return out('No certificates have been issued.');
  table(
    out,
    ['SERIAL', 'LOGIN', 'STATUS', 'NOT AFTER', 'REVOKED', 'REASON'],
    list.map((c) => [c.serial, c.login, c.status, c.notAfter, c.revokedAt ?? '-', c.revocationReason ?? '-']),
  );
}

async function devices(service: Core, out: Out, json: boolean, args: v.InferOutput<typeof devicesSchema>): Promise<void> {
  const { login } = args;
  if (!(await service.directory.get(login))) throw new Refused(`No user is registered as "${login}".`);
  const now = new Date();
  // No session asks here: none is "this device".
  const list = await service.devices.list(login, '');
  if (args.revoke !== undefined) {
    if (!list.some((d) => d.serial === args.revoke)) throw new Refused(`${args.revoke} is not the certificate of one of ${login}'s current devices (see "devices --login ${login}").`);
    const [r] = await service.certificateChanges.revokeByOperator({ serial: args.revoke }, args.reason);
    if (json) return out(JSON.stringify({ revoked: { serial: r.serial, login: r.login, revokedAt: r.revokedAt, reason: r.revocationReason } }, null, 2));
    const name = list.find((d) => d.serial === r.serial)!.deviceName;
    out(`Retired ${login}'s device "${name}": certificate ${r.serial} revoked at ${r.revokedAt} (reason: ${r.revocationReason}); its sessions end.`);
    return;
  }
  const rows = await Promise.all(
    list.map(async (d) => {
      const record = (await service.records.get(d.serial))!;
      return { ...d, status: standing(record, now).status };
    }),
  );
  if (json) return out(JSON.stringify(rows.map(({ current: _c, ...d }) => d), null, 2));
  if (rows.length === 0) return out(`${login} has no current device: every certificate is revoked (a recovery code lets them back in).`);
  table(
    out,
    ['DEVICE', 'SERIAL', 'STATUS', 'SINCE', 'NOT AFTER', 'LAST SESSION'],
    rows.map((d) => [d.deviceName, d.serial, d.status, d.createdAt, d.notAfter, d.lastSeen ?? '-']),
  );
}

async function revoke(service: Core, out: Out, json: boolean, args: v.InferOutput<typeof revokeSchema>): Promise<void> {
  const done = await service.certificateChanges.revokeByOperator(args.serial !== undefined ? { serial: args.serial } : { login: args.login! }, args.reason);
  if (json) {
    return out(JSON.stringify({ revoked: done.map((r) => ({ serial: r.serial, login: r.login, revokedAt: r.revokedAt, reason: r.revocationReason })) }, null, 2));
  }
  for (const r of done) out(`Revoked certificate ${r.serial} of ${r.login} at ${r.revokedAt} (reason: ${r.revocationReason}).`);
  out(`${done.length === 1 ? 'It is' : 'They are'} listed in the next CRL (GET /ca/crl) and OCSP answers "revoked" from now on.`);
}

async function recoveryCode(service: Core, out: Out, json: boolean, args: RecoveryCodeArgs): Promise<void> {
  const { login, code, expiresAt, resetsPassword } = await service.recovery.issueCode(args.login, args.hours, args.resetPassword);
  // The account's owner sees it on My certificate: a code they did not ask for is a warning.
  if (json) return out(JSON.stringify({ login, code, expiresAt, resetsPassword }, null, 2));
  out(`Recovery code for ${login}, valid once until ${expiresAt}${resetsPassword ? ', with a new password' : ''}:`);
  out('');
  out(`    ${code}`);
  out('');
  out('It is shown only now. Give it to them over a channel you trust, after checking who they are.');
  out(
    resetsPassword
      ? 'With it they choose a new password and get a new certificate at /recover; any earlier code for this login no longer works.'
      : 'With it and their password they get a new certificate at /recover; any earlier code for this login no longer works.',
  );
}

async function activity(service: Core, out: Out, json: boolean, login: string): Promise<void> {
  if (!(await service.directory.get(login))) throw new Refused(`No user is registered as "${login}".`);
  const events = await service.activity.recent(login);
  if (json) return out(JSON.stringify(events, null, 2));
  if (events.length === 0) return out(`Nothing is recorded for ${login} yet.`);
  table(
    out,
    ['AT', 'EVENT', 'REASON', 'SERIAL', 'BY', 'FROM'],
    events.map((e) => [e.at, e.kind, e.reason ?? '-', e.serial ?? '-', e.by ?? '-', [e.address, e.userAgent && deviceText(e.userAgent)].filter(Boolean).join(' ') || '-']),
  );
}

async function showCa(service: Core, out: Out, json: boolean): Promise<void> {
  const { ca } = service;
  const describe = (cert: x509.X509Certificate, fp: string, file: string) => ({
    subject: cert.subject,
    issuer: cert.issuer,
    serial: cert.serialNumber,
    fingerprint: fp,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    file,
  });
  const info = {
    root: describe(ca.root, ca.rootFingerprint, ca.files.rootCert),
    intermediate: describe(ca.intermediate, ca.intermediateFingerprint, ca.files.intermediateCert),
  };
  if (json) return out(JSON.stringify(info, null, 2));
  for (const [label, c] of [['Root CA', info.root], ['Intermediate (issuing) CA', info.intermediate]] as const) {
    out(`${label}:`);
    out(`  subject:     ${c.subject}`);
    out(`  issuer:      ${c.issuer}`);
    out(`  serial:      ${c.serial}`);
    out(`  SHA-256:     ${c.fingerprint}`);
    out(`  valid from:  ${c.notBefore}`);
    out(`  valid until: ${c.notAfter}`);
    out(`  file:        ${c.file}`);
  }
}
