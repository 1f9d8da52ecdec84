// Operator-assisted recovery: `tekup-chat admin recovery-code` (the real command line, its own
// process, on the data directory of a running server) and POST /api/v1/certificate/recover (no
// session): the operator revokes, the person cannot log in, gets a code, recovers with a new key
// and logs in again. Every wrong ingredient gets the one same refusal and changes nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { startServer, type Running } from './helpers/server.ts';
import { startInProcess, type InProcess } from './helpers/inprocess.ts';
import { csrForKey, makeCsr, openssl, writeTemp } from './helpers/openssl.ts';
import { exponentOneCsr } from './helpers/weak-rsa.ts';
import { postJson } from './helpers/users.ts';
import { attemptLogin, enrollUser, loginAs, type Enrolled } from './helpers/login.ts';
import { admin, runAdmin } from './helpers/admin.ts';
import { canonicalRecoveryCode } from '../src/protocol/recovery.ts';
import { hashRecoveryCode } from '../src/auth/recovery-codes.ts';

const CODE = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){5}-[0-9A-HJKMNP-TV-Z]{2}$/;
const authed = (token: string) => ({ authorization: `Bearer ${token}` });

async function codeFor(dataDir: string, login: string, extra: string[] = []): Promise<string> {
  return JSON.parse(await admin(['recovery-code', '--login', login, '--data', dataDir, '--json', ...extra])).code;
}

function recover(url: string, body: Record<string, unknown>) {
  return postJson(`${url}/api/v1/certificate/recover`, body);
}

async function certificateStatus(url: string, token: string, serial: string) {
  const res = await fetch(`${url}/api/v1/certificates/${serial}`, { headers: { ...authed(token), accept: 'application/json' } });
  assert.equal(res.status, 200);
  return (await res.json()) as { status: string; revocationReason?: string };
}

describe('recovery with the real server and admin command line', () => {
  let server: Running;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  describe('admin recovery-code', () => {
    it('prints a code once, in groups of four, valid 24 hours by default; --json has login, code, expiresAt, resetsPassword', async () => {
      const u = await enrollUser(server.url, 'rcadmin');
      const text = await admin(['recovery-code', '--login', u.login, '--data', server.dataDir]);
      const shown = /^\s+(\S+)$/m.exec(text)?.[1] ?? '';
      assert.match(shown, CODE, text);
      assert.match(text, new RegExp(`Recovery code for ${u.login}, valid once until `));

      const before = Date.now();
      const json = JSON.parse(await admin(['recovery-code', '--login', u.login, '--data', server.dataDir, '--json', '--hours', '2']));
      assert.deepEqual(Object.keys(json).sort(), ['code', 'expiresAt', 'login', 'resetsPassword']);
      assert.equal(json.resetsPassword, false);
      assert.equal(json.login, u.login);
      assert.match(json.code, CODE);
      assert.notEqual(json.code, shown);
      const lasts = Date.parse(json.expiresAt) - before;
      assert.ok(lasts > 2 * 3600_000 - 60_000 && lasts <= 2 * 3600_000 + 60_000, json.expiresAt);
      const dflt = JSON.parse(await admin(['recovery-code', '--login', u.login, '--data', server.dataDir, '--json']));
      assert.ok(Math.abs(Date.parse(dflt.expiresAt) - Date.now() - 24 * 3600_000) < 60_000, dflt.expiresAt);
    });

    it('refuses an unknown login (exit 1) and bad flags (exit 2)', async () => {
      const unknown = await runAdmin(['recovery-code', '--login', 'nobody-here', '--data', server.dataDir]);
      assert.equal(unknown.code, 1, unknown.stderr);
      assert.match(unknown.stderr, /No user is registered as "nobody-here"/);
      assert.equal(unknown.stdout, '');
      for (const args of [[], ['--login', 'x', '--hours', '0'], ['--login', 'x', '--hours', '169'], ['--login', 'x', '--hours', 'soon']]) {
        const r = await runAdmin(['recovery-code', ...args, '--data', server.dataDir]);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      }
      const help = await runAdmin(['recovery-code', '--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /--hours H/);
    });

    it('keeps only the SHA-256 of the code: neither the database nor the server log holds it in clear', async () => {
      const u = await enrollUser(server.url, 'rcstore');
      const code = await codeFor(server.dataDir, u.login);
      const canonical = canonicalRecoveryCode(code)!;
      // The server logs its requests; a use of the code is one of them.
      const wrong = await recover(server.url, { login: u.login, password: 'not the password at all', code, csr: makeCsr().csr });
      assert.equal(wrong.status, 401);
      for (const f of readdirSync(server.dataDir).filter((n) => n.startsWith('tekup.db'))) {
        const bytes = readFileSync(join(server.dataDir, f), 'latin1');
        assert.ok(!bytes.includes(canonical) && !bytes.includes(code), `${f} holds the code`);
      }
      const db = new DatabaseSync(join(server.dataDir, 'tekup.db'), { readOnly: true });
      try {
        const row = db.prepare('SELECT * FROM recovery_codes WHERE login = ?').get(u.login) as Record<string, string>;
        assert.equal(row.code_hash, hashRecoveryCode(canonical));
      } finally {
        db.close();
      }
      assert.ok(!server.output().includes(canonical) && !server.output().includes(code));
    });
  });

  describe('POST /api/v1/certificate/recover', () => {
    it('a user revoked by the operator cannot log in; with a code, the password and a new key they get a certificate and log in again', async () => {
      const u = await enrollUser(server.url, 'rcflow');
      await admin(['revoke', '--login', u.login, '--reason', 'keyCompromise', '--data', server.dataDir]);
      const refused = await attemptLogin(server.url, { login: u.login, password: u.password, certificate: u.certificate, keyPem: u.keyPem });
      assert.equal(refused.status, 403);
      assert.equal(refused.json.reason, 'revoked');

      const code = await codeFor(server.dataDir, u.login);
      const fresh = makeCsr();
      // Lower case and without dashes, as multipart with the CSR as a file: as enrollment takes it.
      const form = new FormData();
      form.set('login', u.login);
      form.set('password', u.password);
      form.set('code', code.replace(/-/g, '').toLowerCase());
      form.set('csr', new Blob([readFileSync(fresh.csrFile)]), 'req.pem');
      const res = await fetch(`${server.url}/api/v1/certificate/recover`, { method: 'POST', body: form });
      const answer = (await res.json()) as Record<string, string>;
      assert.equal(res.status, 201, JSON.stringify(answer));
      assert.deepEqual(Object.keys(answer).sort(), ['certificate', 'chain', 'fingerprint', 'login', 'notAfter', 'serial']);
      assert.equal(answer.login, u.login);
      assert.notEqual(answer.serial, u.serial);

      const token = (await attemptLogin(server.url, { login: u.login, password: u.password, certificate: answer.certificate, keyPem: fresh.key })).json.token;
      assert.ok(token, 'the new key logs in');
      // The operator's revocation stays as it was; the old certificate was this login's device, and
      // says it is revoked (protocol §6), not that it is someone else's.
      assert.deepEqual(await certificateStatus(server.url, token, u.serial).then((s) => [s.status, s.revocationReason]), ['revoked', 'keyCompromise']);
      assert.equal((await certificateStatus(server.url, token, answer.serial)).status, 'valid');
      const old = await attemptLogin(server.url, { login: u.login, password: u.password, certificate: u.certificate, keyPem: u.keyPem });
      assert.equal(old.json.reason, 'revoked');

      // Used once: the same code never works again.
      const again = await recover(server.url, { login: u.login, password: u.password, code, csr: makeCsr().csr });
      assert.equal(again.status, 401);
      assert.equal(again.json.error, 'invalid_credentials');
    });

    it('a lost key: the old, unrevoked certificate is revoked as superseded (OCSP says so) and its sessions end', async () => {
      const u = await enrollUser(server.url, 'rclost');
      const oldSession = await loginAs(server.url, u);
      const code = await codeFor(server.dataDir, u.login);
      const fresh = makeCsr();
      const res = await recover(server.url, { login: u.login, password: u.password, code, csr: fresh.csr });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      assert.equal((await fetch(`${server.url}/api/v1/session`, { headers: authed(oldSession) })).status, 401, 'the old session ended');
      const token = (await attemptLogin(server.url, { login: u.login, password: u.password, certificate: res.json.certificate, keyPem: fresh.key })).json.token;
      const status = await certificateStatus(server.url, token, u.serial);
      assert.deepEqual([status.status, status.revocationReason], ['revoked', 'superseded']);

      const chain = writeTemp('chain.pem', res.json.chain);
      const issuer = writeTemp('intermediate.pem', res.json.chain.split(/(?<=-----END CERTIFICATE-----\n?)/)[0]);
      const oldCert = writeTemp('old.pem', u.certificate);
      const ocsp = openssl(['ocsp', '-issuer', issuer, '-cert', oldCert, '-url', `${server.url}/ocsp`, '-CAfile', chain, '-no_nonce']);
      assert.match(ocsp, /old\.pem: revoked/);
      assert.match(ocsp, /Reason: superseded/);
    });

    it('two concurrent uses of one code: exactly one gets a certificate', async () => {
      const u = await enrollUser(server.url, 'rcrace');
      const code = await codeFor(server.dataDir, u.login);
      const answers = await Promise.all([0, 1, 2].map(() => recover(server.url, { login: u.login, password: u.password, code, csr: makeCsr().csr })));
      assert.deepEqual(answers.map((a) => a.status).sort(), [201, 401, 401], JSON.stringify(answers.map((a) => a.json.error)));
    });

    it('checks the request: missing fields and a malformed code name the field; a bad CSR is bad_csr and leaves the code usable; names not theirs are ignored', async () => {
      const u = await enrollUser(server.url, 'rccsr');
      const code = await codeFor(server.dataDir, u.login);
      const missing = await recover(server.url, {});
      assert.equal(missing.status, 400);
      assert.equal(missing.json.error, 'validation');
      assert.deepEqual(Object.keys(missing.json.fields).sort(), ['code', 'csr', 'login', 'password']);
      const shortCode = await recover(server.url, { login: u.login, password: u.password, code: 'ABCD-EFGH', csr: makeCsr().csr });
      assert.equal(shortCode.status, 400);
      assert.match(shortCode.json.fields.code, /26 letters and digits/);

      const garbage = await recover(server.url, { login: u.login, password: u.password, code, csr: 'not a request' });
      assert.equal(garbage.status, 400);
      assert.equal(garbage.json.error, 'bad_csr');
      assert.ok(garbage.json.fields.csr);
      const weak = await recover(server.url, { login: u.login, password: u.password, code, csr: makeCsr(undefined, ['-newkey', 'rsa:1024']).csr });
      assert.equal(weak.json.error, 'bad_csr');
      const exponentOne = await recover(server.url, { login: u.login, password: u.password, code, csr: exponentOneCsr() });
      assert.equal(exponentOne.status, 400);
      assert.equal(exponentOne.json.error, 'bad_csr');
      assert.match(exponentOne.json.message, /exponent is 1;/);
      // A key this CA already certified: the person's own current one, or another login's.
      const other = await enrollUser(server.url, 'rcother');
      for (const keyFile of [u.keyFile, other.keyFile]) {
        const certified = await recover(server.url, { login: u.login, password: u.password, code, csr: csrForKey(keyFile) });
        assert.equal(certified.status, 400, JSON.stringify(certified.json));
        assert.equal(certified.json.error, 'bad_csr');
        assert.equal(certified.json.message, 'This key is already certified: recovery needs a new key.');
      }
      // Nothing changed: the old key still logs in, and the code still works. Names in the request
      // that are not the person's are left out and listed.
      assert.equal((await attemptLogin(server.url, { login: u.login, password: u.password, certificate: u.certificate, keyPem: u.keyPem })).status, 200);
      const ok = await recover(server.url, { login: u.login, password: u.password, code, csr: makeCsr('/UID=mallory/CN=Mallory Evil').csr });
      assert.equal(ok.status, 201, JSON.stringify(ok.json));
      assert.deepEqual(ok.json.ignored, ['subject UID=mallory', 'subject CN=Mallory Evil']);
      const subject = openssl(['x509', '-in', writeTemp('r.pem', ok.json.certificate), '-noout', '-subject', '-nameopt', 'sep_comma_plus_space']);
      assert.equal(subject.trim(), `subject=UID=${u.login}, CN=Amira Ben Salah, O=TEKUP_chat`);
    });

    it('a forgotten password: a code issued with --reset-password takes a new one instead, and only such a code does', async () => {
      const u = await enrollUser(server.url, 'rcforgot');
      const session = await loginAs(server.url, u);
      const next = 'a new passphrase after forgetting';
      const plain = await codeFor(server.dataDir, u.login);
      const refused = await recover(server.url, { login: u.login, newPassword: next, code: plain, csr: makeCsr().csr });
      assert.equal(refused.status, 401, 'an ordinary code needs the current password');
      assert.equal(refused.json.error, 'invalid_credentials');
      assert.equal(await attemptLogin(server.url, u).then((r) => r.status), 200, 'nothing changed');

      const printed = await admin(['recovery-code', '--login', u.login, '--data', server.dataDir, '--reset-password']);
      assert.match(printed, /with a new password/);
      const code = printed.split('\n').map((l) => l.trim()).find((l) => CODE.test(l))!;
      const bothOrNone = await recover(server.url, { login: u.login, password: u.password, newPassword: next, code, csr: makeCsr().csr });
      assert.equal(bothOrNone.status, 400);
      assert.match(bothOrNone.json.fields.password, /one of the two/);
      const weak = await recover(server.url, { login: u.login, newPassword: 'password1234', code, csr: makeCsr().csr });
      assert.equal(weak.status, 400);
      assert.match(weak.json.fields.newPassword, /too common/);
      const asLogin = await recover(server.url, { login: u.login, newPassword: u.login.toUpperCase().padEnd(12, 'X'), code, csr: makeCsr().csr });
      assert.equal(asLogin.status, 400);

      const fresh = makeCsr();
      const res = await recover(server.url, { login: u.login, newPassword: next, code, csr: fresh.csr });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      assert.equal((await fetch(`${server.url}/api/v1/session`, { headers: authed(session) })).status, 401, 'sessions ended');
      assert.equal((await attemptLogin(server.url, { login: u.login, password: u.password, certificate: res.json.certificate, keyPem: fresh.key })).status, 401, 'the old password is gone');
      assert.equal((await attemptLogin(server.url, { login: u.login, password: next, certificate: res.json.certificate, keyPem: fresh.key })).status, 200, 'the new one logs in');
      const again = await recover(server.url, { login: u.login, newPassword: 'yet another passphrase', code, csr: makeCsr().csr });
      assert.equal(again.status, 401, 'used once');
    });

    it('a code issued with --reset-password also works with the current password, which then stays', async () => {
      const u = await enrollUser(server.url, 'rcresetkeep');
      const code = await codeFor(server.dataDir, u.login, ['--reset-password']);
      const fresh = makeCsr();
      const res = await recover(server.url, { login: u.login, password: u.password, code, csr: fresh.csr });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      assert.equal((await attemptLogin(server.url, { login: u.login, password: u.password, certificate: res.json.certificate, keyPem: fresh.key })).status, 200);
    });

    it('needs no session and is not behind the certificate routes session check', async () => {
      const res = await recover(server.url, { login: 'nobody', password: 'x', code: 'A'.repeat(26), csr: makeCsr().csr });
      assert.equal(res.status, 401);
      assert.equal(res.json.error, 'invalid_credentials');
    });
  });
});

describe('recovery refusals with an injected clock: one answer for every wrong part, and nothing changes', () => {
  let app: InProcess;
  let u: Enrolled;
  before(async () => {
    app = await startInProcess();
    u = await enrollUser(app.url, 'rcsame');
    await app.service.certificateChanges.revokeByOperator({ login: u.login }, 'unspecified');
  });
  after(async () => {
    await app.close();
  });

  const state = async () => ({
    current: Buffer.from((await app.service.directory.get(u.login))!.certificate).toString('base64'),
    records: (await app.service.records.forLogin(u.login)).map((r) => `${r.serial}:${r.state}:${r.revokedAt ?? ''}:${r.revocationReason ?? ''}`),
    code: app.service.db.prepare('SELECT * FROM recovery_codes WHERE login = ?').get(u.login),
  });

  it('wrong code, wrong password, unknown login, expired code: identical 401 bodies, the certificate and the code stay as they were', async () => {
    const { code } = await app.service.recovery.issueCode(u.login, 1);
    const other = await app.service.recovery.issueCode((await enrollUser(app.url, 'rcother')).login);
    const csr = makeCsr().csr;
    const beforeAll = await state();
    const attempts: Record<string, Record<string, string>> = {
      'wrong code': { login: u.login, password: u.password, code: other.code, csr },
      'wrong password': { login: u.login, password: `${u.password}!`, code, csr },
      'unknown login': { login: 'nobody-at-all', password: u.password, code, csr },
    };
    const answers = [];
    for (const [what, body] of Object.entries(attempts)) {
      const a = await recover(app.url, body);
      answers.push({ what, status: a.status, json: a.json });
    }
    // Past the hour the code was issued for.
    app.clock.now = new Date(app.clock.now.getTime() + 3600_000 + 1000);
    const expired = await recover(app.url, { login: u.login, password: u.password, code, csr });
    answers.push({ what: 'expired code', status: expired.status, json: expired.json });
    for (const a of answers) {
      assert.equal(a.status, 401, a.what);
      assert.deepEqual(a.json, answers[0].json, a.what);
    }
    assert.equal(answers[0].json.error, 'invalid_credentials');
    assert.deepEqual(await state(), beforeAll);
    app.clock.now = new Date();
  });

  it('a new code replaces the old one', async () => {
    const first = await app.service.recovery.issueCode(u.login);
    const second = await app.service.recovery.issueCode(u.login);
    const csr = makeCsr().csr;
    assert.equal((await recover(app.url, { login: u.login, password: u.password, code: first.code, csr })).status, 401);
    const ok = await recover(app.url, { login: u.login, password: u.password, code: second.code, csr });
    assert.equal(ok.status, 201, JSON.stringify(ok.json));
  });
});

describe('recovery after expiry', () => {
  it('an expired certificate cannot log in; recovery issues a new one that does', async () => {
    // One-day certificates and two days later: far enough for expiry, near enough for the session
    // cookie (browsers cap Expires at 400 days ahead of the real clock, and hono enforces it).
    const app = await startInProcess({ env: { TEKUP_CERT_DAYS: '1' } });
    try {
      const u = await enrollUser(app.url, 'rcexpired');
      app.clock.now = new Date(app.clock.now.getTime() + 2 * 86_400_000);
      const refused = await attemptLogin(app.url, { login: u.login, password: u.password, certificate: u.certificate, keyPem: u.keyPem });
      assert.equal(refused.json.reason, 'expired');
      const { code } = await app.service.recovery.issueCode(u.login);
      const fresh = makeCsr();
      const res = await recover(app.url, { login: u.login, password: u.password, code, csr: fresh.csr });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      assert.ok(Date.parse(res.json.notAfter) > app.clock.now.getTime() + 23 * 3600_000);
      const ok = await attemptLogin(app.url, { login: u.login, password: u.password, certificate: res.json.certificate, keyPem: fresh.key });
      assert.equal(ok.status, 200, JSON.stringify(ok.json));
      // The expired one, never revoked before, is revoked as superseded now.
      assert.equal((await app.service.records.get(u.serial))!.revocationReason, 'superseded');
    } finally {
      await app.close();
    }
  });
});

describe('recovery rate limits', () => {
  it('answers 429 past the per-login limit, whatever the address', async () => {
    const app = await startInProcess({ env: { TEKUP_LOGIN_PER_MINUTE: '3' } });
    try {
      const body = { login: 'someone', password: 'a password', code: 'A'.repeat(26), csr: 'x' };
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await recover(app.url, body)).status);
      assert.deepEqual(statuses, [401, 401, 401, 429]);
      const limited = await recover(app.url, body);
      assert.equal(limited.json.error, 'rate_limited');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      // Another login is counted apart.
      assert.equal((await recover(app.url, { ...body, login: 'someone-else' })).status, 401);
    } finally {
      await app.close();
    }
  });

  it('answers 429 past the per-address limit', async () => {
    const app = await startInProcess({ env: { TEKUP_ADDRESS_PER_MINUTE: '2' } });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await recover(app.url, { login: `l${i}`, password: 'p', code: 'A'.repeat(26), csr: 'x' })).status);
      assert.deepEqual(statuses, [401, 401, 429]);
    } finally {
      await app.close();
    }
  });
});
