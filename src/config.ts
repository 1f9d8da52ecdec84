// Flags and environment become one typed, validated Config. Flags win over environment.
import { parseArgs } from 'node:util';
import { GROUP_MEMBERS_MAX, GROUP_MEMBERS_MIN } from './protocol/groups.ts';
import { join, resolve } from 'node:path';
import { DEFAULT_CARD_PATTERN } from './protocol/enroll.ts';

/** PBKDF2-HMAC-SHA256 rounds for a stored password: OWASP's 2023 figure, and the least allowed. */
export const DEFAULT_PASSWORD_ITERATIONS = 600_000;

export interface LdapConfig {
  url: string;
  bindDn: string;
  bindPasswordFile?: string;
  baseDn: string;
  startTls: boolean;
  caFile?: string;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  tls: boolean;
  publicUrl: string;
  /** False when publicUrl was derived from host and port (so it follows the port actually bound). */
  publicUrlGiven: boolean;
  /** Names the server's TLS certificate covers. */
  hostNames: string[];
  cardPattern: RegExp;
  certDays: number;
  /** Protocol §7: the most members a group may hold, its creator included (2 to 256). */
  maxGroupMembers: number;
  /** Protocol §8: the largest attachment, in bytes (--max-attachment-mb). */
  maxAttachmentBytes: number;
  /** Protocol §8: the bytes of attachments one user may keep (--attachment-quota-mb). */
  attachmentQuotaBytes: number;
  /** Where attachment bodies are kept (--attachments-dir, default DATA/attachments); shared by instances. */
  attachmentsDir: string;
  passwordIterations: number;
  enrollPerMinute: number;
  loginPerMinute: number;
  addressPerMinute: number;
  ldap?: LdapConfig;
  /** PostgreSQL for all server state instead of the data directory's SQLite (protocol §9). */
  databaseUrl?: string;
  /** Redis shared by several instances: live events, presence, limits, challenges (protocol §9). */
  redisUrl?: string;
  logLevel: 'info' | 'silent';
}

export const USAGE = `Usage: tekup-chat [serve] [options]
       tekup-chat admin <command> [options]

Options:
  --port N             port to listen on (default 8443, or 8080 with --no-tls)
  --host H             address to listen on (default 127.0.0.1)
  --data DIR           directory holding all state (default ./data)
  --no-tls             serve plain HTTP (behind a TLS-terminating proxy, or for tests)
  --public-url URL     base URL written into certificates (CRL, OCSP links)
  --server-name NAME   extra host name for the TLS certificate (repeatable)
  --card-pattern RE    regular expression a card number must match (default ${DEFAULT_CARD_PATTERN})
  --cert-days N        lifetime of user certificates in days (default 365)
  --max-group-members N   the most members a group may hold, its creator included (2 to 256, default 256)
  --max-attachment-mb N   the largest attachment upload in MiB (1 to 1024, default 25)
  --attachment-quota-mb N the MiB of attachments each user may keep (1 to 1048576, default 1024)
  --attachments-dir DIR   where attachment bodies are kept (default DATA/attachments; one directory
                       all instances share)
  --ldap-url URL       use an LDAP directory (ldap:// or ldaps://) instead of the embedded one
  --ldap-bind-dn DN    DN to bind as
  --ldap-password-file FILE   file holding the bind password
  --ldap-base-dn DN    where user entries live
  --ldap-starttls      upgrade ldap:// with StartTLS
  --ldap-ca FILE       CA certificate (PEM) to trust for LDAPS/StartTLS
  --database-url URL   keep all state in PostgreSQL (postgres://…) instead of SQLite in --data
  --redis-url URL      share live events, presence and limits between instances (redis://…)
  --quiet              no request logs
  -h, --help           this text
  -v, --version        the version
Environment: TEKUP_PORT, TEKUP_DATA, TEKUP_HOST, TEKUP_PUBLIC_URL, TEKUP_LDAP_URL, TEKUP_LDAP_BIND_DN,
  TEKUP_LDAP_PASSWORD_FILE, TEKUP_LDAP_BASE_DN, TEKUP_LDAP_STARTTLS (=1), TEKUP_LDAP_CA,
  TEKUP_DATABASE_URL, TEKUP_REDIS_URL, TEKUP_MAX_ATTACHMENT_MB, TEKUP_ATTACHMENT_QUOTA_MB, TEKUP_ATTACHMENTS_DIR,
  TEKUP_CARD_PATTERN, TEKUP_CERT_DAYS, TEKUP_PBKDF2_ITERATIONS, TEKUP_ENROLL_PER_MINUTE, TEKUP_LOGIN_PER_MINUTE, TEKUP_ADDRESS_PER_MINUTE.`;

export class ConfigError extends Error {}

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  'no-tls': { type: 'boolean' },
  'public-url': { type: 'string' },
  'server-name': { type: 'string', multiple: true },
  'card-pattern': { type: 'string' },
  'cert-days': { type: 'string' },
  'max-group-members': { type: 'string' },
  'max-attachment-mb': { type: 'string' },
  'attachment-quota-mb': { type: 'string' },
  'attachments-dir': { type: 'string' },
  'ldap-url': { type: 'string' },
  'ldap-bind-dn': { type: 'string' },
  'ldap-password-file': { type: 'string' },
  'ldap-base-dn': { type: 'string' },
  'ldap-starttls': { type: 'boolean' },
  'ldap-ca': { type: 'string' },
  'database-url': { type: 'string' },
  'redis-url': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

function int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  return n;
}

export function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): Config & { help: boolean; version: boolean } {
  const { values: f } = parseFlags(argv);
  const tls = !f['no-tls'];
  const host = f.host ?? env.TEKUP_HOST ?? '127.0.0.1';
  const port = int('--port', f.port ?? env.TEKUP_PORT, tls ? 8443 : 8080, 0, 65535);
  let cardPattern: RegExp;
  const cardSource = f['card-pattern'] ?? env.TEKUP_CARD_PATTERN ?? DEFAULT_CARD_PATTERN;
  try {
    cardPattern = new RegExp(cardSource.startsWith('^') ? cardSource : `^(?:${cardSource})$`);
  } catch {
    throw new ConfigError(`--card-pattern is not a valid regular expression: ${cardSource}`);
  }
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const givenUrl = f['public-url'] ?? env.TEKUP_PUBLIC_URL;
  const publicUrl = (givenUrl ?? `${tls ? 'https' : 'http'}://${shownHost}:${port}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(`--public-url is not a URL: ${publicUrl}`);
  }
  const ldapUrl = f['ldap-url'] ?? env.TEKUP_LDAP_URL;
  let ldap: LdapConfig | undefined;
  if (ldapUrl) {
    const baseDn = f['ldap-base-dn'] ?? env.TEKUP_LDAP_BASE_DN;
    if (!/^ldaps?:\/\//.test(ldapUrl)) throw new ConfigError(`--ldap-url must start with ldap:// or ldaps://, not "${ldapUrl}".`);
    if (!baseDn) throw new ConfigError('--ldap-base-dn is required with --ldap-url (where user entries live, e.g. ou=people,dc=example,dc=org).');
    ldap = {
      url: ldapUrl,
      bindDn: f['ldap-bind-dn'] ?? env.TEKUP_LDAP_BIND_DN ?? '',
      bindPasswordFile: f['ldap-password-file'] ?? env.TEKUP_LDAP_PASSWORD_FILE,
      baseDn,
      startTls: Boolean(f['ldap-starttls']) || /^(1|true|yes)$/i.test(env.TEKUP_LDAP_STARTTLS ?? ''),
      caFile: f['ldap-ca'] ?? env.TEKUP_LDAP_CA,
    };
  }
  const databaseUrl = f['database-url'] ?? (env.TEKUP_DATABASE_URL || undefined);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/./.test(databaseUrl)) {
    throw new ConfigError('--database-url must be a PostgreSQL URL (postgres://user@host:5432/database).');
  }
  const redisUrl = f['redis-url'] ?? (env.TEKUP_REDIS_URL || undefined);
  if (redisUrl !== undefined && !/^rediss?:\/\/./.test(redisUrl)) {
    throw new ConfigError('--redis-url must be a Redis URL (redis://host:6379 or rediss://…).');
  }
  const dataDir = resolve(f.data ?? env.TEKUP_DATA ?? 'data');
  const MiB = 1024 * 1024;
  const names = new Set(['localhost', '127.0.0.1', '::1', new URL(publicUrl).hostname.replace(/^\[|\]$/g, '')]);
  if (host !== '0.0.0.0' && host !== '::') names.add(host);
  for (const n of f['server-name'] ?? []) names.add(n);
  return {
    port,
    host,
    dataDir,
    tls,
    publicUrl,
    publicUrlGiven: givenUrl !== undefined,
    hostNames: [...names],
    cardPattern,
    certDays: int('--cert-days', f['cert-days'] ?? env.TEKUP_CERT_DAYS, 365, 1, 3650),
    maxGroupMembers: int('--max-group-members', f['max-group-members'] ?? env.TEKUP_MAX_GROUP_MEMBERS, GROUP_MEMBERS_MAX, GROUP_MEMBERS_MIN, GROUP_MEMBERS_MAX),
    maxAttachmentBytes: MiB * int('--max-attachment-mb', f['max-attachment-mb'] ?? env.TEKUP_MAX_ATTACHMENT_MB, 25, 1, 1024),
    attachmentQuotaBytes: MiB * int('--attachment-quota-mb', f['attachment-quota-mb'] ?? env.TEKUP_ATTACHMENT_QUOTA_MB, 1024, 1, 1024 * 1024),
    attachmentsDir: resolve(f['attachments-dir'] ?? (env.TEKUP_ATTACHMENTS_DIR || join(dataDir, 'attachments'))),
    passwordIterations: int('TEKUP_PBKDF2_ITERATIONS', env.TEKUP_PBKDF2_ITERATIONS, DEFAULT_PASSWORD_ITERATIONS, DEFAULT_PASSWORD_ITERATIONS, 10_000_000),
    enrollPerMinute: int('TEKUP_ENROLL_PER_MINUTE', env.TEKUP_ENROLL_PER_MINUTE, 60, 1, 1_000_000),
    loginPerMinute: int('TEKUP_LOGIN_PER_MINUTE', env.TEKUP_LOGIN_PER_MINUTE, 10, 1, 1_000_000),
    addressPerMinute: int('TEKUP_ADDRESS_PER_MINUTE', env.TEKUP_ADDRESS_PER_MINUTE, 120, 1, 1_000_000),
    ldap,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(redisUrl ? { redisUrl } : {}),
    logLevel: f.quiet ? 'silent' : 'info',
    help: Boolean(f.help),
    version: Boolean(f.version),
  };
}

/** With `--port 0` the port is known only once bound; the derived public URL follows it. */
export function withBoundPort<C extends Config>(config: C, port: number): C {
  if (config.publicUrlGiven) return { ...config, port };
  const url = new URL(config.publicUrl);
  url.port = String(port);
  return { ...config, port, publicUrl: url.origin };
}
