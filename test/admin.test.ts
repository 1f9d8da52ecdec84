// The operator command line (`tekup-chat admin …`) run as its own process against the data
// directory of a running server: listings, revocation by login and by serial with its effect on
// the server, refusals with exit code 1, CA fingerprints, and never a CA created where none is.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startServer, tempDir, type Running } from './helpers/server.ts';
import { admin, runAdmin } from './helpers/admin.ts';
import { attemptLogin, enrollUser, loginAs, type Enrolled } from './helpers/login.ts';
import { makeCsr } from './helpers/openssl.ts';
import { postJson } from './helpers/users.ts';

let server: Running;
let carol: Enrolled;
let dave: Enrolled;
let erin: Enrolled;

before(async () => {
  server = await startServer();
  carol = await enrollUser(server.url, 'admcarol');
  dave = await enrollUser(server.url, 'admdave');
  erin = await enrollUser(server.url, 'admerin');
});
after(async () => {
  await server.stop();
});

const data = () => ['--data', server.dataDir];

describe('admin users and certs', () => {
  it('lists users with their name, email and current certificate, as a table and as JSON, without card numbers or hashes', async () => {
    const table = await admin(['users', ...data()]);
    const lines = table.trimEnd().split('\n');
    assert.match(lines[0], /^LOGIN\s+NAME\s+EMAIL\s+SERIAL\s+STATUS\s+NOT AFTER$/);
    const row = lines.find((l) => l.startsWith(`${carol.login} `));
    assert.ok(row, table);
    assert.match(row, new RegExp(`${carol.body.firstName} ${carol.body.lastName}\\s+${carol.body.email}\\s+${carol.serial}\\s+valid\\s+\\d{4}-`));

    const list = JSON.parse(await admin(['users', '--json', ...data()]));
    const c = list.find((u: { login: string }) => u.login === carol.login);
    assert.equal(c.email, carol.body.email);
    assert.equal(c.certificate.serial, carol.serial);
    assert.equal(c.certificate.fingerprint, carol.fingerprint);
    assert.equal(c.certificate.status, 'valid');
    const all = JSON.stringify(list);
    assert.ok(!all.includes(carol.body.cardNumber), 'no card number');
    assert.ok(!/passwordHash|pbkdf2/i.test(all), 'no password hash');
  });

  it('lists certificates, all or one login\'s', async () => {
    const table = await admin(['certs', ...data()]);
    assert.match(table, /^SERIAL\s+LOGIN\s+STATUS\s+NOT AFTER\s+REVOKED\s+REASON\n/);
    for (const u of [carol, dave, erin]) assert.match(table, new RegExp(`^${u.serial}\\s+${u.login}\\s+valid\\s+`, 'm'));
    const mine = JSON.parse(await admin(['certs', '--login', dave.login, '--json', ...data()]));
    assert.deepEqual(
      mine.map((c: { serial: string; status: string }) => [c.serial, c.status]),
      [[dave.serial, 'valid']],
    );
  });
});

describe('admin revoke', () => {
  it('revokes by serial with a reason: the server refuses the login at once and the certificate shows as revoked', async () => {
    const token = await loginAs(server.url, carol);
    const out = await admin(['revoke', '--serial', carol.serial.toUpperCase(), '--reason', 'keyCompromise', ...data()]);
    assert.match(out, new RegExp(`Revoked certificate ${carol.serial} of ${carol.login} at .+ \\(reason: keyCompromise\\)`));

    const login = await attemptLogin(server.url, { login: carol.login, password: carol.password, certificate: carol.certificate, keyPem: carol.keyPem });
    assert.equal(login.status, 403);
    assert.equal(login.json.reason, 'revoked');
    // The facts behind the sentence, for clients to word themselves.
    assert.equal(login.json.revocationReason, 'keyCompromise');
    assert.match(login.json.revokedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const session = await fetch(`${server.url}/api/v1/users`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(session.status, 401, 'the session opened with the revoked certificate ended');

    const [cert] = JSON.parse(await admin(['certs', '--login', carol.login, '--json', ...data()]));
    assert.equal(cert.status, 'revoked');
    assert.equal(cert.revocationReason, 'keyCompromise');
    assert.match(cert.revokedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('revokes every valid certificate of a login, and says so in JSON', async () => {
    const res = JSON.parse(await admin(['revoke', '--login', dave.login, '--reason', 'privilegeWithdrawn', '--json', ...data()]));
    assert.deepEqual(
      res.revoked.map((r: { serial: string; login: string; reason: string }) => [r.serial, r.login, r.reason]),
      [[dave.serial, dave.login, 'privilegeWithdrawn']],
    );
    const login = await attemptLogin(server.url, { login: dave.login, password: dave.password, certificate: dave.certificate, keyPem: dave.keyPem });
    assert.equal(login.status, 403);
    assert.equal(login.json.reason, 'revoked');
  });

  it('refuses, with exit code 1 and a clear message, an unknown serial, an unknown login, or nothing left to revoke', async () => {
    const serial = await runAdmin(['revoke', '--serial', 'deadbeef', ...data()]);
    assert.equal(serial.code, 1);
    assert.match(serial.stderr, /No certificate with serial deadbeef was issued by this CA/);
    const login = await runAdmin(['revoke', '--login', 'nobody-here', ...data()]);
    assert.equal(login.code, 1);
    assert.match(login.stderr, /No user is registered as "nobody-here"/);
    const again = await runAdmin(['revoke', '--serial', carol.serial, ...data()]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already revoked/);
    const none = await runAdmin(['revoke', '--login', dave.login, ...data()]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no valid certificate left/);
    const certs = await runAdmin(['certs', '--login', 'nobody-here', ...data()]);
    assert.equal(certs.code, 1);
    // erin was never touched by any of this
    const [e] = JSON.parse(await admin(['certs', '--login', erin.login, '--json', ...data()]));
    assert.equal(e.status, 'valid');
  });

  it('refuses bad usage with exit code 2 before touching anything', async () => {
    for (const args of [
      ['revoke', ...data()],
      ['revoke', '--serial', erin.serial, '--login', erin.login, ...data()],
      ['revoke', '--serial', erin.serial, '--reason', 'becauseISaidSo', ...data()],
      ['revoke', '--serial', 'not-hex', ...data()],
      ['users', '--frobnicate', ...data()],
      ['rotate', ...data()],
    ]) {
      const r = await runAdmin(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^tekup-chat admin: .+\nRun "tekup-chat admin( \w+)? --help" for usage\.\n$/);
    }
    const [e] = JSON.parse(await admin(['certs', '--login', erin.login, '--json', ...data()]));
    assert.equal(e.status, 'valid');
  });
});

describe('admin devices', () => {
  it("lists a person's devices and retires one, leaving the other working", async () => {
    const owner = await enrollUser(server.url, 'admdev');
    const token = await loginAs(server.url, owner);
    // A second device, linked through the API as a new browser would: asked, approved, collected.
    const phone = makeCsr();
    const asked = await postJson(`${server.url}/api/v1/devices/link`, { login: owner.login, password: owner.password, csr: phone.csr, deviceName: 'Phone' });
    assert.equal(asked.status, 202, JSON.stringify(asked.json));
    const approved = await postJson(`${server.url}/api/v1/devices/requests/${asked.json.request}/approve`, { code: asked.json.code }, { authorization: `Bearer ${token}` });
    assert.equal(approved.status, 201, JSON.stringify(approved.json));
    const collected = await fetch(`${server.url}/api/v1/devices/link/${asked.json.request}`, { headers: { authorization: `Bearer ${asked.json.secret}` } });
    const phoneCert = ((await collected.json()) as { certificate: string }).certificate;

    const table = await admin(['devices', '--login', owner.login, ...data()]);
    const lines = table.trimEnd().split('\n');
    assert.match(lines[0], /^DEVICE\s+SERIAL\s+STATUS\s+SINCE\s+NOT AFTER\s+LAST SESSION$/);
    assert.equal(lines.length, 3, table);
    assert.match(lines[2], new RegExp(`^Phone\\s+${approved.json.serial}\\s+valid\\s`));
    const list = JSON.parse(await admin(['devices', '--login', owner.login, '--json', ...data()]));
    assert.deepEqual(list.map((d: { serial: string }) => d.serial), [owner.serial, approved.json.serial]);

    const out = await admin(['devices', '--login', owner.login, '--revoke', approved.json.serial, ...data()]);
    assert.match(out, /Retired .* device "Phone"/);
    const refused = await attemptLogin(server.url, { login: owner.login, password: owner.password, certificate: phoneCert, keyPem: phone.key });
    assert.deepEqual([refused.status, refused.json.reason], [403, 'revoked']);
    assert.equal((await attemptLogin(server.url, owner)).status, 200, 'the first device still logs in');

    const again = await runAdmin(['devices', '--login', owner.login, '--revoke', approved.json.serial, ...data()]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /not the certificate of one of .* current devices/);
    assert.equal((await runAdmin(['devices', '--login', 'nobody-here', ...data()])).code, 1);
    assert.equal((await runAdmin(['devices', ...data()])).code, 2, 'no login');
    assert.equal((await runAdmin(['devices', '--login', owner.login, '--reason', 'keyCompromise', ...data()])).code, 2, 'a reason without --revoke');
  });
});

describe('admin ca', () => {
  it('leaves the OCSP responder files to the server: with none on disk, it writes none', async () => {
    const { rmSync } = await import('node:fs');
    const files = ['ocsp-responder.key', 'ocsp-responder.pem'].map((f) => join(server.dataDir, 'ca', f));
    assert.ok(files.every((f) => existsSync(f)), 'the server wrote its responder');
    for (const f of files) rmSync(f);
    await admin(['ca', ...data()]);
    await admin(['users', ...data()]);
    assert.deepEqual(files.filter((f) => existsSync(f)), []);
  });

  it('ends quietly when the reader of its output goes away (admin ca | head -1)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', './src/tsx-hooks.ts', 'src/main.ts', 'admin', 'ca', ...data()], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy()); // the first line is all the reader wanted
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
  });

  it('shows fingerprints equal to the SHA-256 of /ca/root.pem and of the intermediate', async () => {
    const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const sha256 = (pem: string) => createHash('sha256').update(der(pem)).digest('hex');
    const root = await (await fetch(`${server.url}/ca/root.pem`)).text();
    const inter = await (await fetch(`${server.url}/ca/intermediate.pem`)).text();
    const info = JSON.parse(await admin(['ca', '--json', ...data()]));
    assert.equal(info.root.fingerprint, sha256(root));
    assert.equal(info.intermediate.fingerprint, sha256(inter));
    assert.equal(info.root.subject, 'CN=TEKUP_chat Root CA, O=TEKUP_chat');
    assert.equal(info.intermediate.subject, 'CN=TEKUP_chat Issuing CA 1, O=TEKUP_chat');
    assert.equal(info.intermediate.issuer, info.root.subject);
    assert.ok(Date.parse(info.root.notAfter) > Date.parse(info.intermediate.notAfter));
    const text = await admin(['ca', ...data()]);
    assert.match(text, new RegExp(`Root CA:\\n[\\s\\S]*SHA-256:\\s+${sha256(root)}\\n`));
    assert.match(text, new RegExp(`Intermediate \\(issuing\\) CA:\\n[\\s\\S]*SHA-256:\\s+${sha256(inter)}\\n`));
  });

  it('never creates a CA: a data directory without one is an error (exit 1) and stays as it was', async () => {
    const empty = tempDir('tekup-noca-');
    const missing = join(empty, 'not-there');
    for (const dir of [empty, missing]) {
      const r = await runAdmin(['ca', '--data', dir]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /There is no TEKUP_chat CA in .+ never creates or replaces a CA/);
    }
    assert.deepEqual(readdirSync(empty), []);
    assert.ok(!existsSync(missing));
  });

  it('is reachable as npm run admin and answers --help for every command', async () => {
    for (const cmd of ['users', 'certs', 'revoke', 'ca', 'recovery-code', 'activity']) {
      const r = await runAdmin([cmd, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^Usage: tekup-chat admin ${cmd}`));
    }
    const top = await runAdmin(['--help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /Commands:\n\s+users[\s\S]+certs[\s\S]+revoke[\s\S]+ca/);
    const viaNpm = await new Promise<string>((resolve, reject) =>
      execFile('npm', ['run', '--silent', 'admin', '--', 'ca', '--json', ...data()], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    assert.equal(JSON.parse(viaNpm).root.fingerprint, JSON.parse(await admin(['ca', '--json', ...data()])).root.fingerprint);
  });
});

describe('admin activity', () => {
  it("shows a login's security activity, newest first, including the recovery code the operator just issued", async () => {
    const frank = await enrollUser(server.url, 'admfrank');
    const refused = await attemptLogin(server.url, { login: frank.login, password: 'surely not the password', certificate: frank.certificate, keyPem: frank.keyPem, userAgent: 'curl/8.14.1' });
    assert.equal(refused.status, 401);
    await loginAs(server.url, frank);
    await admin(['recovery-code', '--login', frank.login, '--reset-password', ...data()]);

    const events = JSON.parse(await admin(['activity', '--login', frank.login, '--json', ...data()])) as Array<{ kind: string; reason?: string; address?: string; userAgent?: string }>;
    assert.deepEqual(
      events.map((e) => [e.kind, e.reason ?? '-']),
      [
        ['recovery_code_issued', 'password_reset'],
        ['login', '-'],
        ['login_refused', 'password'],
      ],
    );
    assert.equal(events[2].userAgent, 'curl/8.14.1');
    const table = await admin(['activity', '--login', frank.login, ...data()]);
    assert.match(table.split('\n')[0], /^AT\s+EVENT\s+REASON\s+SERIAL\s+BY\s+FROM$/);
    assert.match(table, /login_refused\s+password\s+-\s+-\s+127\.0\.0\.1 curl/);

    const unknown = await runAdmin(['activity', '--login', 'nobody-here', ...data()]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No user is registered as "nobody-here"/);
    const usage = await runAdmin(['activity', ...data()]);
    assert.equal(usage.code, 2);
  });
});
