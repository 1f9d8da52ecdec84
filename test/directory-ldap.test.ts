// The LDAP directory against a real slapd: the Directory contract (with and without slapd's
// uniqueness overlay), then what only a directory in another process can do to a registration:
// refuse it, or vanish in the middle of it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LdapDirectory, LdapStartError, type LdapDirectoryOptions } from '../src/directory/ldap/ldap-directory.ts';
import { countCertificates, directoryContract, registration, separateRecords } from './helpers/directory-contract.ts';
import { parseLdif, startSlapd, type Slapd } from './helpers/slapd.ts';

const slapds: Slapd[] = [];
after(() => {
  for (const s of slapds) s.stop();
});

function slapd(opts: Parameters<typeof startSlapd>[0] = {}): Slapd {
  const s = startSlapd(opts);
  slapds.push(s);
  return s;
}

const options = (s: Slapd, baseDn = s.baseDn): LdapDirectoryOptions => ({
  url: s.url,
  bindDn: s.bindDn,
  bindPassword: s.password(),
  baseDn,
  startTls: false,
});

let ou = 0;
/** A fresh, empty organizationalUnit under ou=people for each contract test. */
function freshBase(s: Slapd): string {
  ou++;
  const dn = `ou=t${ou},${s.baseDn}`;
  s.ldapmodify(`dn: ${dn}\nchangetype: add\nobjectClass: organizationalUnit\nou: t${ou}\n`);
  return dn;
}

for (const unique of [true, false]) {
  let s: Slapd;
  before(() => {
    s = slapd({ unique });
  });
  directoryContract(`ldap (${unique ? 'with' : 'without'} the unique overlay)`, async (records) => {
    const base = freshBase(s);
    const { db, records: r } = records();
    const directory = await LdapDirectory.connect(options(s, base));
    return { directory, records: r, db, another: () => LdapDirectory.connect(options(s, base)) };
  });
}

describe('LDAP directory', () => {
  let s: Slapd;
  before(() => {
    s = slapd();
  });

  it('writes an inetOrgPerson entry named by the escaped login, and nothing else', async () => {
    const base = freshBase(s);
    const { records } = separateRecords();
    const directory = await LdapDirectory.connect(options(s, base));
    const r = await registration(records, { login: 'admin,dc=x', firstName: 'Zoé', lastName: 'Ben Salah' });
    await directory.register(r);
    await directory.close();
    const entries = parseLdif(s.ldapsearch(['-b', base, '-s', 'one', '(objectClass=*)', '*', 'createTimestamp']));
    assert.equal(entries.length, 1);
    const e = entries[0];
    const dn = String(e.dn);
    assert.equal(dn.slice(-base.length), base);
    assert.match(dn, /^uid=admin\\(,|2C)dc\\(=|3D)x,ou=t\d+,/i, 'one RDN holding the whole login');
    assert.deepEqual(e.objectClass.map(String).sort(), ['inetOrgPerson', 'organizationalPerson', 'person', 'top']);
    assert.equal(String(e.uid), 'admin,dc=x');
    assert.equal(String(e.givenName), 'Zoé');
    assert.equal(String(e.sn), 'Ben Salah');
    assert.equal(String(e.cn), 'Zoé Ben Salah');
    assert.equal(String(e.mail), r.user.email);
    assert.equal(String(e.employeeNumber), r.user.cardNumber);
    assert.equal(String(e.userPassword), r.user.passwordHash);
    assert.ok(e['userCertificate;binary'][0].equals(Buffer.from(r.user.certificate)));
    // No entry for the would-be injected DN.
    assert.throws(() => s.ldapsearch(['-b', `dc=x,${base}`, '-s', 'base']), /No such object|32/);
  });

  it('refuses an email it cannot store (mail is IA5String) before recording anything', async () => {
    const { records, db } = separateRecords();
    const directory = await LdapDirectory.connect(options(s, freshBase(s)));
    const r = await registration(records, { email: 'zoé@exämple.org' });
    await assert.rejects(directory.register(r), (err: any) => err.code === 'validation' && 'email' in err.fields);
    assert.equal(countCertificates(db), 0);
    await directory.close();
  });

  it('discards the staged certificate when the server refuses the entry', async () => {
    const base = freshBase(s);
    const { records, db } = separateRecords();
    const directory = await LdapDirectory.connect(options(s, base));
    const readOnly = (on: boolean) =>
      s.ldapmodify(`dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\nreplace: olcReadOnly\nolcReadOnly: ${on ? 'TRUE' : 'FALSE'}\n`, { config: true });
    readOnly(true);
    try {
      const r = await registration(records);
      await assert.rejects(directory.register(r), /refused the new entry/);
      assert.equal(countCertificates(db), 0);
    } finally {
      readOnly(false);
    }
    assert.deepEqual(await directory.list(), []);
    await directory.register(await registration(records));
    assert.equal(countCertificates(db, 'issued'), 1);
    await directory.close();
  });

  it('answers unavailable while the server is down, records nothing, and works again when it is back', async () => {
    const { records, db } = separateRecords();
    const directory = await LdapDirectory.connect(options(s, freshBase(s)));
    s.halt();
    try {
      await assert.rejects(directory.list(), (err: any) => err.code === 'unavailable');
      await assert.rejects(directory.register(await registration(records)), (err: any) => err.code === 'unavailable');
      assert.equal(countCertificates(db), 0);
    } finally {
      s.start();
    }
    await directory.register(await registration(records));
    assert.equal((await directory.list()).length, 1);
    await directory.close();
  });

  it('keeps a certificate pending when the server vanishes with the add in flight, and settles it once the server is back', async () => {
    const { records, db } = separateRecords();
    const directory = await LdapDirectory.connect(options(s, freshBase(s)));
    const r = await registration(records, {}, { onStage: () => s.halt() });
    try {
      await assert.rejects(directory.register(r), (err: any) => err.code === 'unavailable');
      // Not issued, so never trusted at login; neither is it forgotten while the outcome is unknown.
      assert.equal(countCertificates(db, 'issued'), 0);
      assert.ok(countCertificates(db, 'pending') <= 1);
    } finally {
      s.start();
    }
    // The next registration runs after the settling of the one before.
    await directory.register(await registration(records));
    assert.equal(await directory.get(r.user.login), undefined);
    assert.equal(await records.get(r.record.serial), undefined);
    assert.equal(countCertificates(db, 'pending'), 0);
    assert.equal(countCertificates(db, 'issued'), 1);
    await directory.close();
  });

  it('will not start without a reachable server, a good bind or an existing base DN', async () => {
    const base = options(s);
    const fails = (o: Partial<LdapDirectoryOptions>, pattern: RegExp) =>
      assert.rejects(LdapDirectory.connect({ ...base, ...o }), (err: Error) => err instanceof LdapStartError && pattern.test(err.message));
    await fails({ url: 'ldap://127.0.0.1:1' }, /cannot reach the LDAP server at ldap:\/\/127\.0\.0\.1:1/);
    await fails({ bindPassword: 'wrong' }, /refused the bind/);
    await fails({ baseDn: `ou=missing,${s.suffix}` }, /base DN "ou=missing,dc=tekup,dc=test" does not exist/);
  });
});

describe('LDAP directory over TLS', () => {
  let s: Slapd;
  before(() => {
    s = slapd({ tls: true });
  });

  it('works with StartTLS and with ldaps:// given the CA, and refuses a server it cannot verify', async () => {
    const { readFileSync } = await import('node:fs');
    const ca = readFileSync(s.caFile!);
    for (const o of [{ startTls: true, ca }, { url: s.ldapsUrl!, ca }]) {
      const directory = await LdapDirectory.connect({ ...options(s), ...o });
      assert.deepEqual(await directory.list(), []);
      await directory.close();
    }
    await assert.rejects(LdapDirectory.connect({ ...options(s), url: s.ldapsUrl! }), /cannot reach the LDAP server.*(self[- ]signed|certificate)/i);
    await assert.rejects(LdapDirectory.connect({ ...options(s), startTls: true }), /(self[- ]signed|certificate)/i);
  });
});
