// The Directory port's contract, one suite for every adapter (embedded SQLite, LDAP): each test file
// calls directoryContract with a factory that makes a fresh, empty directory.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { x509 } from '../../src/pki/x509.ts';
import { openDatabase, type Db } from '../../src/store/sqlite/sqlite.ts';
import { SqliteCertificateRecords } from '../../src/store/sqlite/certificates.ts';
import type { Directory, DirectoryUser, Registration } from '../../src/directory/directory.ts';
import type { StagedRecord } from '../../src/pki/records.ts';
import { tempDir } from './server.ts';
import { closedAfterSuite } from './contract-fixtures.ts';

export interface Fixture {
  directory: Directory;
  /** The CA's records the registrations stage into (the directory's own database when embedded). */
  records: SqliteCertificateRecords;
  db: Db;
  /** A second directory over the same storage, as a second server process would have. */
  another(): Promise<Directory>;
}

export type Factory = (records: () => { db: Db; records: SqliteCertificateRecords }) => Promise<Fixture>;

/** Records on a database of their own, for adapters that keep users elsewhere. */
export function separateRecords(): { db: Db; records: SqliteCertificateRecords } {
  const db = openDatabase(join(tempDir('tekup-contract-'), 'tekup.db'));
  return { db, records: new SqliteCertificateRecords(db) };
}

// Real certificates: an LDAP server checks the syntax of userCertificate. ECDSA keeps them quick.
const keys = crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
let serial = 0;
export async function certificate(name = 'test'): Promise<Uint8Array> {
  serial++;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (0x1000 + serial).toString(16) + Date.now().toString(16),
    name: `CN=${name.replace(/[^a-z0-9 ]/gi, '_')}`,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    keys: await keys,
  });
  return new Uint8Array(cert.rawData);
}

let n = 0;
export function person(over: Partial<DirectoryUser> = {}): Omit<DirectoryUser, 'certificate'> & Partial<Pick<DirectoryUser, 'certificate'>> {
  n++;
  const login = over.login ?? `user${process.pid % 1000}x${n}`;
  return {
    login,
    cardNumber: String(20_000_000 + n),
    firstName: 'Amira',
    lastName: 'Ben Salah',
    email: `person${process.pid % 1000}x${n}@example.org`,
    passwordHash: `{PBKDF2-SHA256}600000$c2FsdHNhbHRzYWx0$${'h'.repeat(43)}`,
    createdAt: new Date().toISOString(),
    ...over,
  };
}

export interface Staged extends Registration {
  record: StagedRecord;
}

/** A registration as src/pki/enrollment.ts builds one; `failAt` makes that step throw. */
export async function registration(
  records: SqliteCertificateRecords,
  over: Partial<DirectoryUser> = {},
  opts: { failAt?: 'stage' | 'confirm'; onStage?: () => void } = {},
): Promise<Staged> {
  const p = person(over);
  const der = p.certificate ?? (await certificate(p.login));
  const record: StagedRecord = {
    serial: Buffer.from(crypto.getRandomValues(new Uint8Array(10))).toString('hex'),
    login: p.login,
    fingerprint: createHash('sha256').update(der).digest('hex'),
    der,
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    issuedAt: p.createdAt,
    state: 'pending',
    // The test certificates share one key: each record stands for a key of its own here.
    keyHash: createHash('sha256').update('key of ').update(der).digest('hex'),
  };
  return {
    record,
    user: { ...p, certificate: der },
    stage: async () => {
      await records.stage(record);
      opts.onStage?.();
      if (opts.failAt === 'stage') throw new Error('died after signing');
    },
    confirm: async () => {
      if (opts.failAt === 'confirm') throw new Error('died before confirming');
      await records.confirm(record.serial);
    },
    discard: () => records.discard(record.serial),
  };
}

export function countCertificates(db: Db, state?: 'pending' | 'issued'): number {
  const sql = `SELECT count(*) AS n FROM certificates${state ? ' WHERE state = ?' : ''}`;
  return (db.prepare(sql).get(...(state ? [state] : [])) as { n: number }).n;
}

const isConflict = (field: string) => (err: any) => {
  assert.equal(err.code, 'conflict', err.message);
  assert.equal(err.extra.field, field);
  return true;
};

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

export function directoryContract(name: string, factory: Factory): void {
  describe(`Directory contract: ${name}`, () => {
    const keep = closedAfterSuite();
    const fresh = async () => {
      const f = await factory(separateRecords);
      keep(f.directory);
      const another = f.another;
      return { ...f, another: async () => keep(await another()) };
    };

    it('starts empty', async () => {
      const { directory } = await fresh();
      assert.deepEqual(await directory.list(), []);
      assert.equal(await directory.get('nobody'), undefined);
    });

    it('registers a user: every field reads back as given, and the certificate is recorded as issued', async () => {
      const { directory, records, db } = await fresh();
      const r = await registration(records, { firstName: 'Zoé', lastName: "O'Brien-Ben Salah" });
      await directory.register(r);
      const got = await directory.get(r.user.login);
      assert.ok(got);
      const { certificate, createdAt, ...rest } = got;
      const { certificate: der, createdAt: when, ...given } = r.user;
      assert.deepEqual(rest, given);
      assert.ok(sameBytes(certificate, der));
      assert.match(createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      // LDAP keeps its own createTimestamp (whole seconds); both are the moment of registration.
      assert.ok(Math.abs(Date.parse(createdAt) - Date.parse(when)) < 5_000, `${createdAt} vs ${when}`);
      assert.equal((await records.get(r.record.serial))?.state, 'issued');
      assert.equal(countCertificates(db, 'pending'), 0);
    });

    it('lists every user, ordered by login', async () => {
      const { directory, records } = await fresh();
      for (const login of ['carol', 'alice', 'bob']) await directory.register(await registration(records, { login }));
      assert.deepEqual((await directory.list()).map((u) => u.login), ['alice', 'bob', 'carol']);
      assert.ok((await directory.list()).every((u) => u.certificate.length > 100));
    });

    it('finds a login only by its exact value', async () => {
      const { directory, records } = await fresh();
      await directory.register(await registration(records, { login: 'amira' }));
      for (const probe of ['amir', 'amira2', '*', 'am*', 'amira)(uid=*', '']) assert.equal(await directory.get(probe), undefined, probe);
      assert.equal((await directory.get('amira'))?.login, 'amira');
    });

    it('names the first unique field taken: login, then email (any case), then card number', async () => {
      const { directory, records } = await fresh();
      const r = await registration(records);
      await directory.register(r);
      const u = r.user;
      const other = person();
      assert.deepEqual(await directory.findConflicts(other), []);
      assert.deepEqual(await directory.findConflicts({ ...other, login: u.login }), ['login']);
      assert.deepEqual(await directory.findConflicts({ ...other, email: u.email }), ['email']);
      assert.deepEqual(await directory.findConflicts({ ...other, email: u.email.toUpperCase() }), ['email']);
      assert.deepEqual(await directory.findConflicts({ ...other, cardNumber: u.cardNumber }), ['cardNumber']);
      assert.deepEqual(await directory.findConflicts({ login: u.login, email: u.email, cardNumber: u.cardNumber }), ['login', 'email', 'cardNumber']);
      assert.deepEqual(await directory.findConflicts({ ...other, email: u.email, cardNumber: u.cardNumber }), ['email', 'cardNumber']);
    });

    for (const field of ['login', 'email', 'cardNumber'] as const) {
      it(`refuses a second registration with a taken ${field} and records no certificate for it`, async () => {
        const { directory, records, db } = await fresh();
        const first = await registration(records);
        await directory.register(first);
        const value = field === 'email' ? first.user.email.toUpperCase() : first.user[field];
        const second = await registration(records, { [field]: value });
        await assert.rejects(directory.register(second), isConflict(field));
        assert.equal(await records.get(second.record.serial), undefined);
        assert.equal(countCertificates(db), 1);
        assert.equal((await directory.list()).length, 1);
        assert.equal((await directory.get(first.user.login))?.email, first.user.email);
      });
    }

    it('lets only one of two simultaneous registrations of the same email in', async () => {
      const { directory, records, db } = await fresh();
      const email = `same${n}@example.org`;
      const results = await Promise.allSettled([
        directory.register(await registration(records, { email })),
        directory.register(await registration(records, { email: email.toUpperCase() })),
      ]);
      assert.equal(results.filter((x) => x.status === 'fulfilled').length, 1);
      const lost = results.find((x) => x.status === 'rejected') as PromiseRejectedResult;
      isConflict('email')(lost.reason);
      assert.equal((await directory.list()).length, 1);
      assert.equal(countCertificates(db), 1);
    });

    it('never keeps two users with one card number, even when two instances race', async () => {
      const { directory, records, db, another } = await fresh();
      const second = await another();
      const cardNumber = String(30_000_000 + n);
      const results = await Promise.allSettled([
        directory.register(await registration(records, { cardNumber })),
        second.register(await registration(records, { cardNumber })),
      ]);
      const won = results.filter((x) => x.status === 'fulfilled').length;
      assert.ok(won <= 1, 'at most one wins');
      for (const x of results) if (x.status === 'rejected') isConflict('cardNumber')(x.reason);
      assert.equal((await directory.list()).length, won);
      assert.equal(countCertificates(db, 'issued'), won);
      assert.equal(countCertificates(db, 'pending'), 0);
    });

    for (const failAt of ['stage', 'confirm'] as const) {
      it(`keeps neither the user nor the certificate when the registration fails at ${failAt}`, async () => {
        const { directory, records, db } = await fresh();
        const r = await registration(records, {}, { failAt });
        await assert.rejects(directory.register(r));
        assert.equal(await directory.get(r.user.login), undefined);
        assert.deepEqual(await directory.list(), []);
        assert.equal(countCertificates(db), 0);
        assert.deepEqual(await directory.findConflicts(r.user), [], 'the login, email and card number are free again');
      });
    }

    it('replaces the current certificate; an unknown login changes nothing', async () => {
      const { directory, records } = await fresh();
      const r = await registration(records);
      await directory.register(r);
      const renewed = await certificate('renewed');
      await directory.setCertificate(r.user.login, renewed);
      assert.ok(sameBytes((await directory.get(r.user.login))!.certificate, renewed));
      await directory.setCertificate('nobody', renewed);
      assert.equal(await directory.get('nobody'), undefined);
      assert.equal((await directory.list()).length, 1);
    });

    it('replaces the password hash and nothing else; an unknown login changes nothing', async () => {
      const { directory, records } = await fresh();
      const r = await registration(records);
      const other = await registration(records, { login: 'other', email: 'other@example.org', cardNumber: '87654321' });
      await directory.register(r);
      await directory.register(other);
      const before = (await directory.get(r.user.login))!;
      const changed = '{PBKDF2-SHA256}600000$bmV3c2FsdA==$bmV3aGFzaA==';
      await directory.setPasswordHash(r.user.login, changed);
      const after = (await directory.get(r.user.login))!;
      assert.equal(after.passwordHash, changed);
      assert.deepEqual({ ...after, passwordHash: before.passwordHash }, before, 'every other attribute as it was');
      assert.equal((await directory.get('other'))!.passwordHash, other.user.passwordHash, 'another user keeps theirs');
      await directory.setPasswordHash('nobody', changed);
      assert.equal(await directory.get('nobody'), undefined);
    });

    // Values that would change a string-built LDAP filter or DN. Web validation refuses most of
    // them in most fields; the directory must store whatever it is given literally anyway.
    const INJECTIONS = ['*)(uid=*', 'admin,dc=x', '*', 'x)(|(objectClass=*)', 'a\\2a', '#lead', 'a+b;c<d>"e"=', 'uid=root,ou=people'];

    it('stores injection strings literally in every field and never matches anyone else with them', async () => {
      const { directory, records } = await fresh();
      const bystander = await registration(records, { login: 'bystander' });
      await directory.register(bystander);
      let i = 0;
      for (const evil of INJECTIONS) {
        i++;
        const r = await registration(records, {
          login: evil,
          firstName: evil,
          lastName: evil,
          cardNumber: `${evil}${i}`,
          email: `${evil.replace(/[\s@]/g, '')}${i}@example.org`,
          passwordHash: `{PBKDF2-SHA256}${evil}`,
        });
        await directory.register(r);
        const got = await directory.get(evil);
        assert.ok(got, `get(${JSON.stringify(evil)})`);
        assert.equal(got.login, evil);
        assert.equal(got.firstName, evil);
        assert.equal(got.lastName, evil);
        assert.equal(got.cardNumber, `${evil}${i}`);
        assert.equal(got.email, r.user.email);
        assert.equal(got.passwordHash, r.user.passwordHash);
      }
      const all = await directory.list();
      assert.equal(all.length, INJECTIONS.length + 1);
      assert.deepEqual(all.map((u) => u.login).sort(), ['bystander', ...INJECTIONS].sort());
      // The bystander is still found by its own values and by nothing else.
      assert.equal((await directory.get('bystander'))?.email, bystander.user.email);
      assert.deepEqual(await directory.findConflicts({ login: 'x*', email: '*@example.org', cardNumber: '*' }), []);
      assert.deepEqual(await directory.findConflicts({ login: 'nobody', email: 'nobody@example.org', cardNumber: '*)(uid=*' }), []);
      assert.deepEqual(await directory.findConflicts({ login: 'nobody', email: 'nobody@example.org', cardNumber: `${INJECTIONS[0]}1` }), ['cardNumber']);
    });
  });
}
