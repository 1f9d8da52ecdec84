// A real OpenLDAP slapd per test file, through scripts/slapd.sh (the same script people use):
// its own temp dir, cn=config, pid file and free loopback port, never the system's slapd.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './server.ts';

const SCRIPT = join(ROOT, 'scripts/slapd.sh');

// slapd daemonizes: if a test file dies before its after() hook, stop what it started anyway.
const running = new Set<string>();
process.once('exit', () => {
  for (const dir of running) {
    try {
      execFileSync('bash', [SCRIPT, 'stop', dir], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
});

export interface Slapd {
  url: string;
  bindDn: string;
  passwordFile: string;
  /** Where user entries go: ou=people under the suffix. */
  baseDn: string;
  suffix: string;
  dir: string;
  /** With `tls`: the CA that signed the server certificate, and the ldaps:// URL. */
  caFile?: string;
  ldapsUrl?: string;
  /** The flags that point the server at this slapd. */
  args: string[];
  password(): string;
  /** Stops slapd but keeps its data, so `start()` brings the same directory back on the same port. */
  halt(): void;
  start(): void;
  /** Stops slapd and removes its directory. */
  stop(): void;
  /** Runs the ldapsearch CLI bound as the admin; returns its LDIF output. */
  ldapsearch(args: string[]): string;
  /** Runs ldapmodify as the admin, or as cn=config (`config: true`) to change the server's configuration. */
  ldapmodify(ldif: string, opts?: { config?: boolean }): string;
}

function parse(out: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const m of out.matchAll(/^(\w+)='((?:[^']|'\\'')*)'$/gm)) vars[m[1]] = m[2].replaceAll("'\\''", "'");
  return vars;
}

export function startSlapd(opts: { unique?: boolean; tls?: boolean } = {}): Slapd {
  const flags = [...(opts.unique === false ? ['--no-unique'] : []), ...(opts.tls ? ['--tls'] : [])];
  const run = (args: string[]) => execFileSync('bash', [SCRIPT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const v = parse(run(['start', ...flags]));
  const dir = v.SLAPD_DIR;
  running.add(dir);
  const baseDn = v.TEKUP_LDAP_BASE_DN;
  const suffix = baseDn.replace(/^ou=people,/, '');
  const bind = (config?: boolean) => ['-x', '-H', v.TEKUP_LDAP_URL, '-D', config ? 'cn=config' : v.TEKUP_LDAP_BIND_DN, '-y', v.TEKUP_LDAP_PASSWORD_FILE];
  return {
    url: v.TEKUP_LDAP_URL,
    bindDn: v.TEKUP_LDAP_BIND_DN,
    passwordFile: v.TEKUP_LDAP_PASSWORD_FILE,
    baseDn,
    suffix,
    dir,
    caFile: v.TEKUP_LDAP_CA,
    ldapsUrl: v.SLAPD_LDAPS_URL,
    args: ['--ldap-url', v.TEKUP_LDAP_URL, '--ldap-bind-dn', v.TEKUP_LDAP_BIND_DN, '--ldap-password-file', v.TEKUP_LDAP_PASSWORD_FILE, '--ldap-base-dn', baseDn],
    password: () => readFileSync(v.TEKUP_LDAP_PASSWORD_FILE, 'utf8'),
    halt: () => void run(['stop', dir, '--keep']),
    start: () => void run(['start', '--dir', dir]),
    stop: () => {
      run(['stop', dir]);
      running.delete(dir);
    },
    ldapsearch: (args) => execFileSync('ldapsearch', [...bind(), '-LLL', '-o', 'ldif-wrap=no', ...args], { encoding: 'utf8' }),
    ldapmodify: (ldif, o = {}) => execFileSync('ldapmodify', bind(o.config), { input: ldif, encoding: 'utf8' }),
  };
}

/** Parses ldapsearch's unwrapped LDIF into entries of attribute → values (`::` values are base64). */
export function parseLdif(ldif: string): Record<string, Buffer[]>[] {
  return ldif
    .split(/\n\n+/)
    .filter((block) => block.trim())
    .map((block) => {
      const entry: Record<string, Buffer[]> = {};
      for (const line of block.split('\n')) {
        const m = /^([^:]+)(::?) ?(.*)$/.exec(line);
        if (m) (entry[m[1]] ??= []).push(Buffer.from(m[3], m[2] === '::' ? 'base64' : 'utf8'));
      }
      return entry;
    });
}
