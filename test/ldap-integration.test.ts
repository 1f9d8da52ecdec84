// The real server on a real OpenLDAP slapd (scripts/slapd.sh): enrollment writes the entry
// docs/ldap.md describes (checked with the ldapsearch CLI), login and the user list read it back,
// no field value can inject into a filter or a DN, the two stores stay consistent when LDAP refuses
// or vanishes, a crash between them is repaired on the next start, and a directory that cannot be
// used stops the server from starting.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startServer, tempDir, type Running } from './helpers/server.ts';
import { makeCsr } from './helpers/openssl.ts';
import { enrollBody, postJson, uniqueUser } from './helpers/users.ts';
import { attemptLogin, enrollUser, loginAs } from './helpers/login.ts';
import { parseLdif, startSlapd, type Slapd } from './helpers/slapd.ts';

// Card numbers are free-form here, so that they too can carry injection strings to the directory.
const CARD_PATTERN = ['--card-pattern', '^[^\\n]{1,64}$'];

let slapd: Slapd;
let server: Running;
before(async () => {
  slapd = startSlapd();
  server = await startServer({ args: [...slapd.args, ...CARD_PATTERN] });
});
after(async () => {
  await server?.stop();
  slapd?.stop();
});

const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
const authed = (token: string) => ({ authorization: `Bearer ${token}` });

/** The entry of one login, read with the ldapsearch CLI (only safe logins are passed here). */
function entryOf(login: string): Record<string, Buffer[]> | undefined {
  assert.match(login, /^[a-z][a-z0-9._-]*$/);
  const entries = parseLdif(slapd.ldapsearch(['-b', slapd.baseDn, '-s', 'one', `(uid=${login})`, '*', 'createTimestamp']));
  assert.ok(entries.length <= 1);
  return entries[0];
}

function certificates(dataDir: string, login: string): { state: string }[] {
  const db = new DatabaseSync(join(dataDir, 'tekup.db'), { readOnly: true });
  try {
    return (db.prepare('SELECT state FROM certificates WHERE login = ?').all(login) as { state: string }[]).map((r) => ({ state: r.state }));
  } finally {
    db.close();
  }
}

describe('enrollment over LDAP', () => {
  it('writes an inetOrgPerson entry under the base DN with every attribute, the certificate and the PBKDF2 hash', async () => {
    const u = await enrollUser(server.url, 'ldapuser');
    const e = entryOf(u.login);
    assert.ok(e, 'entry exists');
    assert.equal(String(e.dn), `uid=${u.login},${slapd.baseDn}`);
    assert.ok(e.objectClass.map(String).includes('inetOrgPerson'));
    assert.equal(String(e.uid), u.login);
    assert.equal(String(e.givenName), u.body.firstName);
    assert.equal(String(e.sn), u.body.lastName);
    assert.equal(String(e.cn), `${u.body.firstName} ${u.body.lastName}`);
    assert.equal(String(e.mail), u.body.email);
    assert.equal(String(e.employeeNumber), u.body.cardNumber);
    assert.ok(e['userCertificate;binary'][0].equals(der(u.certificate)), 'userCertificate;binary is the issued certificate');
    assert.match(String(e.userPassword), /^\{PBKDF2-SHA256\}\d{6,}\$[A-Za-z0-9./]{22}\$[A-Za-z0-9./]{43}$/);
    assert.ok(!String(e.userPassword).includes(u.password));
    assert.deepEqual(certificates(server.dataDir, u.login), [{ state: 'issued' }]);
  });

  it('logs in, lists users and serves their certificate from the directory', async () => {
    const a = await enrollUser(server.url, 'ldapa');
    const b = await enrollUser(server.url, 'ldapb');
    const token = await loginAs(server.url, a);
    const wrong = await attemptLogin(server.url, { login: a.login, password: 'not the password at all', certificate: a.certificate, keyPem: a.keyPem });
    assert.equal(wrong.status, 401);
    const notMine = await attemptLogin(server.url, { login: a.login, password: a.password, certificate: b.certificate, keyPem: b.keyPem });
    assert.equal(notMine.status, 403);
    assert.equal(notMine.json.reason, 'not_owner');

    const res = await fetch(`${server.url}/api/v1/users`, { headers: authed(token) });
    assert.equal(res.status, 200);
    const users = (await res.json()) as any[];
    const bEntry = users.find((x) => x.login === b.login);
    assert.deepEqual(
      { login: bEntry.login, firstName: bEntry.firstName, lastName: bEntry.lastName, fingerprint: bEntry.fingerprint },
      { login: b.login, firstName: b.body.firstName, lastName: b.body.lastName, fingerprint: b.fingerprint },
    );
    assert.equal(users.find((x) => x.login === a.login).online !== undefined, true);
    const cert = await fetch(`${server.url}/api/v1/users/${b.login}/certificate`, { headers: authed(token) });
    assert.equal(cert.status, 200);
    assert.ok(der(await cert.text()).equals(der(b.certificate)));
  });

  it('replaces userCertificate;binary on renewal', async () => {
    const u = await enrollUser(server.url, 'ldaprenew');
    const token = await loginAs(server.url, u);
    const res = await postJson(`${server.url}/api/v1/certificate/renew`, { csr: makeCsr().csr }, authed(token));
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.ok(entryOf(u.login)!['userCertificate;binary'][0].equals(der(res.json.certificate)));
  });

  it('refuses a taken login, email (in any case) and card number with 409 naming the field', async () => {
    const u = await enrollUser(server.url, 'ldaptaken');
    const csr = makeCsr().csr;
    for (const [field, value] of [
      ['login', u.login],
      ['email', u.body.email.toUpperCase()],
      ['cardNumber', u.body.cardNumber],
    ] as const) {
      const res = await postJson(`${server.url}/api/v1/enroll`, { ...uniqueUser('ldapdup'), csr, [field]: value });
      assert.equal(res.status, 409, `${field}: ${JSON.stringify(res.json)}`);
      assert.equal(res.json.field, field);
    }
  });
});

describe('injection strings', () => {
  const EVIL = ['*)(uid=*', 'admin,dc=x', '*', '\\2a', 'x)(|(objectClass=*)', '#x+y;z<a>"b"=', 'uid=root,ou=people'];

  it('are refused by validation in login and names, and stored literally in email and card number without matching anyone else', async () => {
    // A bystander every string-built filter would match.
    const bystander = await enrollUser(server.url, 'bystander');
    const csr = makeCsr().csr;
    for (const evil of EVIL) {
      for (const field of ['login', 'firstName', 'lastName'] as const) {
        const res = await postJson(`${server.url}/api/v1/enroll`, { ...uniqueUser('evil'), csr, [field]: evil });
        assert.equal(res.status, 400, `${field}=${evil}`);
        assert.ok(field in res.json.fields, `${field}=${evil}`);
      }
      // An email is a dot-atom (§2): a string with characters outside it is refused there…
      const local = evil.replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~-]/g, '');
      if (local !== evil) {
        const raw = await postJson(`${server.url}/api/v1/enroll`, { ...uniqueUser('evil'), csr, email: `${evil}@example.org` });
        assert.equal(raw.status, 400, `${evil}: ${JSON.stringify(raw.json)}`);
        assert.ok('email' in raw.json.fields, `email=${evil}`);
      }
      // …and the rest of it (the filter wildcard * among them) is a valid local part. The same
      // string as card number and that as the email: taken by nobody, so accepted (each
      // registration with a key of its own: the CA certifies a key once).
      const body = { ...uniqueUser('evil'), csr: makeCsr().csr, cardNumber: evil, email: `${local}@example.org` };
      const res = await postJson(`${server.url}/api/v1/enroll`, body);
      assert.equal(res.status, 201, `${evil}: ${JSON.stringify(res.json)}`);
      const e = entryOf(body.login)!;
      assert.equal(String(e.employeeNumber), evil);
      assert.equal(String(e.mail), body.email);
      assert.equal(String(e.uid), body.login);
      // Once taken, the value conflicts with itself only.
      const again = await postJson(`${server.url}/api/v1/enroll`, { ...uniqueUser('evil'), csr: makeCsr().csr, cardNumber: evil });
      assert.equal(again.status, 409);
      assert.equal(again.json.field, 'cardNumber');
    }
    // Every entry is still its own: one per successful enrollment, the bystander untouched, no stray DN.
    const all = parseLdif(slapd.ldapsearch(['-b', slapd.suffix, '(objectClass=inetOrgPerson)', 'uid', 'employeeNumber']));
    for (const evil of EVIL) assert.equal(all.filter((x) => String(x.employeeNumber) === evil).length, 1, evil);
    assert.ok(all.every((x) => String(x.dn).endsWith(`,${slapd.baseDn}`) && String(x.dn).split(',').length === 4));
    assert.equal(String(entryOf(bystander.login)!.mail), bystander.body.email);
    const token = await loginAs(server.url, bystander);
    const users = (await (await fetch(`${server.url}/api/v1/users`, { headers: authed(token) })).json()) as any[];
    assert.equal(users.length, all.length);
  });
});

describe('consistency across LDAP and the CA records', () => {
  it('records no certificate when LDAP refuses the entry', async () => {
    const readOnly = (on: boolean) =>
      slapd.ldapmodify(`dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\nreplace: olcReadOnly\nolcReadOnly: ${on ? 'TRUE' : 'FALSE'}\n`, { config: true });
    const { body } = enrollBody('ldapro');
    readOnly(true);
    try {
      const res = await postJson(`${server.url}/api/v1/enroll`, body);
      assert.equal(res.status, 500);
      assert.equal(res.json.error, 'internal');
    } finally {
      readOnly(false);
    }
    assert.deepEqual(certificates(server.dataDir, body.login), []);
    assert.equal(entryOf(body.login), undefined);
    // The same person can register once LDAP accepts writes again.
    assert.equal((await postJson(`${server.url}/api/v1/enroll`, body)).status, 201);
  });

  it('answers 503 while LDAP is down, records nothing, and recovers when it is back', async () => {
    const { body } = enrollBody('ldapdown');
    slapd.halt();
    try {
      const res = await postJson(`${server.url}/api/v1/enroll`, body);
      assert.equal(res.status, 503);
      assert.equal(res.json.error, 'unavailable');
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    } finally {
      slapd.start();
    }
    assert.deepEqual(certificates(server.dataDir, body.login), []);
    assert.equal((await postJson(`${server.url}/api/v1/enroll`, body)).status, 201);
    assert.equal(String(entryOf(body.login)!.uid), body.login);
  });

  it('repairs on the next start what a crash between the two stores left pending', async () => {
    const landed = await enrollUser(server.url, 'crashed');
    const renewedElsewhere = await enrollUser(server.url, 'crashed');
    await server.stop();
    // As if the process had died: after the LDAP add but before confirming (1), before the add (2),
    // and with a certificate that lost to the one the directory holds (3).
    const db = new DatabaseSync(join(server.dataDir, 'tekup.db'));
    db.prepare(`UPDATE certificates SET state = 'pending' WHERE serial = ?`).run(landed.serial);
    const insert = db.prepare(
      `INSERT INTO certificates (serial, login, fingerprint, der, not_before, not_after, issued_at, state)
       VALUES (?, ?, ?, ?, '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'pending')`,
    );
    const never = uniqueUser('crashed').login;
    const ghost = (login: string) => {
      const serial = randomBytes(10).toString('hex');
      insert.run(serial, login, randomBytes(32).toString('hex'), randomBytes(300));
      return serial;
    };
    const ghostNever = ghost(never);
    const ghostLost = ghost(renewedElsewhere.login);
    db.close();

    server = await startServer({ dataDir: server.dataDir, args: [...slapd.args, ...CARD_PATTERN] });
    const check = new DatabaseSync(join(server.dataDir, 'tekup.db'), { readOnly: true });
    const state = (serial: string) => (check.prepare('SELECT state FROM certificates WHERE serial = ?').get(serial) as { state: string } | undefined)?.state;
    try {
      assert.equal(state(landed.serial), 'issued', 'the entry holds it: confirmed');
      assert.equal(state(ghostNever), undefined, 'no entry: discarded');
      assert.equal(state(ghostLost), undefined, 'the entry holds another certificate: discarded');
      assert.equal(state(renewedElsewhere.serial), 'issued');
      assert.equal((check.prepare(`SELECT count(*) AS n FROM certificates WHERE state = 'pending'`).get() as { n: number }).n, 0);
    } finally {
      check.close();
    }
    assert.equal(entryOf(never), undefined);
    await loginAs(server.url, landed);
  });
});

describe('start-up checks', () => {
  const refuses = async (args: string[], pattern: RegExp, code = 1) => {
    await assert.rejects(startServer({ args }), (err: Error) => {
      assert.match(err.message, new RegExp(`server exited with ${code}`));
      assert.match(err.message, pattern);
      return true;
    });
  };
  const flags = (over: Record<string, string>) => {
    const map: Record<string, string> = {
      '--ldap-url': slapd.url,
      '--ldap-bind-dn': slapd.bindDn,
      '--ldap-password-file': slapd.passwordFile,
      '--ldap-base-dn': slapd.baseDn,
      ...over,
    };
    return Object.entries(map).flatMap(([k, v]) => (v === '' ? [] : [k, v]));
  };

  it('refuses to start when LDAP cannot be reached', () =>
    refuses(flags({ '--ldap-url': 'ldap://127.0.0.1:1' }), /could not start: cannot reach the LDAP server at ldap:\/\/127\.0\.0\.1:1/));

  it('refuses to start when the base DN does not exist', () =>
    refuses(flags({ '--ldap-base-dn': `ou=missing,${slapd.suffix}` }), /base DN "ou=missing,dc=tekup,dc=test" does not exist/));

  it('refuses to start when the bind is refused', () => {
    const file = join(tempDir(), 'wrong');
    writeFileSync(file, 'not the password\n');
    return refuses(flags({ '--ldap-password-file': file }), /refused the bind as "cn=admin,dc=tekup,dc=test"/);
  });

  it('refuses to start without a base DN or with a bind DN but no password file', async () => {
    await refuses(flags({ '--ldap-base-dn': '' }), /--ldap-base-dn is required/, 2);
    await refuses(flags({ '--ldap-password-file': '' }), /--ldap-bind-dn needs --ldap-password-file/);
  });

  it('takes its settings from the environment as well', async () => {
    const s = await startServer({
      env: {
        TEKUP_LDAP_URL: slapd.url,
        TEKUP_LDAP_BIND_DN: slapd.bindDn,
        TEKUP_LDAP_PASSWORD_FILE: slapd.passwordFile,
        TEKUP_LDAP_BASE_DN: slapd.baseDn,
      },
    });
    try {
      const u = await enrollUser(s.url, 'fromenv');
      assert.ok(entryOf(u.login));
    } finally {
      await s.stop();
    }
  });
});
