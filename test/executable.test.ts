// The single executable as an operator gets it: built by `npm run build`, copied alone into an
// empty directory, started with no node_modules and no Node on the PATH, enrolled into with curl
// over TLS trusting only the root it printed, stopped with SIGTERM, and started again on the same
// data.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pkg from '../package.json' with { type: 'json' };
import { ROOT, tempDir } from './helpers/server.ts';
import { makeCsr } from './helpers/openssl.ts';
import { uniqueUser } from './helpers/users.ts';
import { signChallenge } from './helpers/login.ts';
import { CLIENT_ENTRY, HTMX_FILE, publicFiles } from '../src/web/assets.ts';

const dir = tempDir('tekup-exe-');
const exe = join(dir, 'tekup-chat');
const dataDir = join(dir, 'data');
const rootFile = join(dir, 'root.pem');
// What an operator's shell has: system tools, no Node, no node_modules, nothing of ours.
const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8', TEKUP_ENROLL_PER_MINUTE: '1000' };
const secrets: string[] = [];

interface Started {
  proc: ChildProcess;
  port: number;
  url: string;
  fingerprint: string;
  output: () => string;
}

async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  srv.close();
  await once(srv, 'close');
  return port;
}

async function start(): Promise<Started> {
  const port = await freePort();
  const proc = spawn(exe, ['--port', String(port), '--data', dataDir], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const fingerprint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the executable did not start:\n${out}`)), 30_000);
    proc.stdout!.on('data', () => {
      const m = /fingerprint \(trust this one\): ([0-9a-f]{64})/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the executable exited with ${code}:\n${out}`));
    });
  });
  assert.match(out, new RegExp(`listening on https://127\\.0\\.0\\.1:${port}\\b`));
  return { proc, port, url: `https://127.0.0.1:${port}`, fingerprint, output: () => out };
}

async function stop(s: Started): Promise<number | null> {
  if (s.proc.exitCode !== null) return s.proc.exitCode;
  s.proc.kill('SIGTERM');
  const [code] = await once(s.proc, 'exit');
  return code as number | null;
}

/** curl as the README shows it; answers status and body. */
function curl(args: string[]): { status: number; body: string } {
  const out = execFileSync('curl', ['-sS', '--max-time', '30', '-w', '\n%{http_code}', ...args], { encoding: 'utf8', env });
  const cut = out.lastIndexOf('\n');
  return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
}

function enrollArgs(url: string, user: ReturnType<typeof uniqueUser>, csrFile: string): string[] {
  secrets.push(user.password);
  return [
    '--cacert', rootFile, `${url}/api/v1/enroll`,
    '-F', `cardNumber=${user.cardNumber}`, '-F', `firstName=${user.firstName}`, '-F', `lastName=${user.lastName}`,
    '-F', `login=${user.login}`, '-F', `email=${user.email}`, '-F', `password=${user.password}`,
    '-F', `csr=@${csrFile}`,
  ];
}

let first: Started | undefined;
let second: Started | undefined;
let events: ChildProcess | undefined;
const user = uniqueUser('exe');
const key = makeCsr('/O=me');
let certificate = '';

before(async () => {
  // One build for the whole file: the very command a release runs.
  await promisify(execFile)(process.execPath, ['build.ts'], { cwd: ROOT, timeout: 180_000 });
  copyFileSync(join(ROOT, 'dist/tekup-chat'), exe);
});

after(async () => {
  if (events && events.exitCode === null) events.kill();
  for (const s of [first, second]) if (s && s.proc.exitCode === null) await stop(s);
  rmSync(dir, { recursive: true, force: true });
});

describe('the executable', () => {
  it('answers --version and --help without starting anything', () => {
    assert.equal(execFileSync(exe, ['--version'], { cwd: dir, env, encoding: 'utf8' }).trim(), pkg.version);
    const help = execFileSync(exe, ['--help'], { cwd: dir, env, encoding: 'utf8' });
    for (const flag of ['Usage: tekup-chat [serve]', 'tekup-chat admin', '--data DIR', '--port N', '--host H', '--no-tls', '--ldap-url']) {
      assert.ok(help.includes(flag), `--help mentions ${flag}`);
    }
    assert.equal(execFileSync(exe, ['serve', '--version'], { cwd: dir, env, encoding: 'utf8' }).trim(), pkg.version);
    assert.equal(existsSync(dataDir), false, '--help and --version create no data directory');
  });

  it('refuses an unknown flag with the usage and exit code 2', () => {
    const r = spawnSync(exe, ['--no-such-flag'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Usage: tekup-chat/);
  });

  it('creates its authority on first start and prints the root to trust, which is the one it serves', async () => {
    first = await start();
    // -k only to fetch the root whose fingerprint we then check against the printed one.
    execFileSync('curl', ['-sSk', '--max-time', '30', '-o', rootFile, `${first.url}/ca/root.pem`], { env });
    const der = new X509Certificate(readFileSync(rootFile)).raw;
    assert.equal(createHash('sha256').update(der).digest('hex'), first.fingerprint);
    for (const f of ['ca/root.pem', 'ca/intermediate.pem', 'tekup.db']) assert.ok(existsSync(join(dataDir, f)), `${f} exists`);
  });

  it('serves TLS that curl trusts with --cacert root.pem alone, and the embedded assets', () => {
    assert.equal(curl(['--cacert', rootFile, `${first!.url}/healthz`]).body, '{"status":"ok"}');
    const chain = curl(['--cacert', rootFile, `${first!.url}/ca/chain.pem`]);
    assert.equal(chain.status, 200);
    assert.equal(chain.body.match(/BEGIN CERTIFICATE/g)?.length, 2);

    const htmx = curl(['--cacert', rootFile, `${first!.url}/assets/htmx.min.js`]);
    assert.equal(htmx.status, 200);
    assert.equal(htmx.body, readFileSync(join(ROOT, HTMX_FILE), 'utf8'));
    for (const [name, file] of publicFiles(ROOT)) {
      const got = execFileSync('curl', ['-sS', '--fail', '--cacert', rootFile, `${first!.url}/assets/${name}`], { env });
      assert.ok(got.equals(readFileSync(file)), `public/${name} is embedded as it is`);
    }
    if (existsSync(join(ROOT, CLIENT_ENTRY))) {
      const app = curl(['--cacert', rootFile, '-o', '/dev/null', `${first!.url}/assets/app.js`]);
      assert.equal(app.status, 200, 'the browser script is embedded');
    }
    // The pages, once there are any: the home page is HTML from inside the executable.
    if (existsSync(join(ROOT, 'src/web/pages'))) {
      const home = curl(['--cacert', rootFile, '-o', '/dev/null', `${first!.url}/`]);
      assert.equal(home.status, 200);
    }
  });

  it('enrolls with an openssl key and CSR over curl -F, as the README shows', () => {
    const res = curl(enrollArgs(first!.url, user, key.csrFile));
    assert.equal(res.status, 201, res.body);
    const body = JSON.parse(res.body);
    assert.equal(body.login, user.login);
    const cert = new X509Certificate(body.certificate);
    assert.ok(cert.subject.includes(`UID=${user.login}`));
    certificate = body.certificate;
  });

  it('logs in over TLS and holds an event stream open', async () => {
    const json = (path: string, body: unknown) =>
      curl(['--cacert', rootFile, '-H', 'content-type: application/json', '--data-binary', JSON.stringify(body), `${first!.url}${path}`]);
    const { challenge } = JSON.parse(json('/api/v1/session/challenge', { login: user.login }).body);
    const signature = signChallenge(key.key, challenge);
    const session = json('/api/v1/session', { login: user.login, password: user.password, certificate, challenge, signature });
    assert.equal(session.status, 200, session.body);
    const { token } = JSON.parse(session.body);
    secrets.push(token);
    events = spawn('curl', ['-sS', '-N', '--cacert', rootFile, '-H', `authorization: Bearer ${token}`, `${first!.url}/api/v1/events`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let got = '';
    events.stdout!.on('data', (d) => (got += d));
    await new Promise<void>((resolve, reject) => {
      events!.stdout!.on('data', () => got.includes('event: ready') && resolve());
      events!.once('exit', (code) => reject(new Error(`the event stream ended early (${code}): ${got}`)));
    });
  });

  it('stops on SIGTERM with exit code 0, ending the open event stream, logging JSON lines and no secret', async () => {
    const streamEnded = once(events!, 'exit');
    const code = await stop(first!);
    assert.equal(code, 0, first!.output());
    await streamEnded;
    const logs = first!.output().split('\n').filter((l) => l.startsWith('{'));
    const parsed = logs.map((l) => JSON.parse(l) as { msg: string; time: string; [k: string]: unknown });
    assert.ok(parsed.some((l) => l.msg === 'listening' && l.rootFingerprint === first!.fingerprint && l.tls === true));
    assert.ok(parsed.some((l) => l.msg === 'request' && l.path === '/api/v1/enroll' && l.status === 201));
    assert.ok(parsed.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM'));
    assert.equal(parsed.at(-1)?.msg, 'stopped');
    for (const l of parsed) assert.match(l.time, /^\d{4}-\d\d-\d\dT/);
    for (const s of secrets) assert.equal(first!.output().includes(s), false, 'no password in the output');
    assert.equal(/PRIVATE KEY/.test(first!.output()), false);
    // The database was checkpointed: nothing left in the write-ahead log.
    const wal = join(dataDir, 'tekup.db-wal');
    assert.ok(!existsSync(wal) || readFileSync(wal).length === 0, 'the WAL is checkpointed on shutdown');
  });

  it('starts again on the same data with the same root, and remembers who enrolled', async () => {
    second = await start();
    assert.equal(second.fingerprint, first!.fingerprint);
    const again = uniqueUser('exe');
    const { csrFile } = makeCsr('/O=me again');
    const res = curl(enrollArgs(second.url, { ...again, login: user.login }, csrFile));
    assert.equal(res.status, 409, res.body);
    const body = JSON.parse(res.body);
    assert.equal(body.error, 'conflict');
    assert.equal(body.field, 'login');
    assert.equal(await stop(second), 0, second.output());
  });
});
