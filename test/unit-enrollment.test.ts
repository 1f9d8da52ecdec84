// Enrollment (src/usecases/enrollment.ts) against in-memory fakes of the certificate records and the
// directory: a real CA in process signs, nothing else runs (no HTTP, no SQLite, no child process).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Enrollment } from '../src/usecases/enrollment.ts';
import { UserIssuer } from '../src/pki/issue.ts';
import { PROFILES } from '../src/pki/profiles.ts';
import { fingerprint } from '../src/pki/x509.ts';
import { verifyPassword } from '../src/auth/password.ts';
import { DomainError } from '../src/protocol/errors.ts';
import type { EnrollRequest } from '../src/protocol/enroll.ts';
import { generateKey, type NewKey } from '../src/client/keys.ts';
import { makeCsr } from '../src/client/csr.ts';
import { testCa, type TestCa } from './helpers/ca.ts';
import { FakeCertificateRecords } from './fakes/certificate-records.ts';
import { FakeDirectory } from './fakes/directory.ts';

const NOW = new Date();
let ca: TestCa;
let keys: NewKey[];

before(async () => {
  [ca, ...keys] = await Promise.all([testCa(), generateKey(), generateKey(), generateKey()]);
});

function setup(records = new FakeCertificateRecords()) {
  const directory = new FakeDirectory();
  const issuer = new UserIssuer({ ca: ca.ca, profile: PROFILES.user, publicUrl: 'http://127.0.0.1:1', days: 365, now: () => NOW });
  return { records, directory, enrollment: new Enrollment({ issuer, records, directory, passwordIterations: 1000 }) };
}

async function request(login: string, key: NewKey, over: Partial<EnrollRequest> = {}): Promise<EnrollRequest> {
  return {
    login,
    cardNumber: over.cardNumber ?? String(10_000_000 + Math.floor(Math.random() * 89_999_999)),
    firstName: 'Test',
    lastName: 'User',
    email: `${login}@example.org`,
    password: 'correct horse battery staple',
    csr: await makeCsr(key, login),
    ...over,
  };
}

describe('Enrollment.enroll', () => {
  it('records the user and the issued certificate, and answers with that certificate', async () => {
    const { records, directory, enrollment } = setup();
    const req = await request('alice', keys[0]);
    const answer = await enrollment.enroll(req);

    const user = await directory.get('alice');
    assert.ok(user);
    assert.equal(user.email, req.email);
    assert.equal(user.cardNumber, req.cardNumber);
    assert.ok(await verifyPassword(req.password, user.passwordHash));
    assert.ok(!(await verifyPassword('another password!', user.passwordHash)));

    const issued = await records.forLogin('alice');
    assert.equal(issued.length, 1);
    const [record] = issued;
    assert.equal(record.state, 'issued');
    assert.equal(record.serial, answer.serial);
    assert.equal(record.fingerprint, answer.fingerprint);
    assert.equal(record.fingerprint, await fingerprint(record.der));
    assert.deepEqual(user.certificate, record.der);
    assert.deepEqual(await records.pending(), []);
    assert.equal(answer.login, 'alice');
    assert.match(answer.certificate, /^-----BEGIN CERTIFICATE-----/);
  });

  it('names every taken field (login, email in any case, card number) and records nothing', async () => {
    const { records, directory, enrollment } = setup();
    const first = await request('alice', keys[0], { cardNumber: '12345678' });
    await enrollment.enroll(first);
    const before = { users: await directory.list(), certs: await records.all() };

    const clash = await request('alice', keys[1], { email: 'ALICE@Example.org', cardNumber: '12345678' });
    await assert.rejects(enrollment.enroll(clash), (err: unknown) => {
      assert.ok(err instanceof DomainError);
      assert.equal(err.code, 'conflict');
      assert.deepEqual(Object.keys(err.fields ?? {}), ['login', 'email', 'cardNumber']);
      assert.equal(err.extra?.field, 'login');
      return true;
    });
    const onlyCard = await request('bob', keys[1], { cardNumber: '12345678' });
    await assert.rejects(enrollment.enroll(onlyCard), (err: unknown) => err instanceof DomainError && err.code === 'conflict' && Object.keys(err.fields ?? {}).join() === 'cardNumber');

    assert.deepEqual(await directory.list(), before.users);
    assert.deepEqual(await records.all(), before.certs);
    assert.deepEqual(await records.pending(), []);
    // The refused key was not certified: it can still enroll under free names.
    await enrollment.enroll(await request('bob', keys[1]));
    assert.equal((await records.all()).length, 2);
  });

  it('refuses a key already certified (bad_csr) and records nothing', async () => {
    const { records, directory, enrollment } = setup();
    await enrollment.enroll(await request('alice', keys[2]));
    const again = await request('bob', keys[2]);
    const isBadCsr = (err: unknown) => err instanceof DomainError && err.code === 'bad_csr' && /already certified/.test(err.message);
    await assert.rejects(enrollment.enroll(again), isBadCsr);
    assert.equal(await directory.get('bob'), undefined);
    assert.deepEqual(await records.forLogin('bob'), []);
    assert.equal((await records.all()).length, 1);
  });

  it('refuses a key certified by a request that raced past the look-up (the records refuse to stage it): bad_csr, nothing recorded', async () => {
    const records = new FakeCertificateRecords();
    const { directory, enrollment } = setup(records);
    await enrollment.enroll(await request('alice', keys[0]));
    // The look-up answers before the other request staged: only stage can catch it.
    records.isKeyCertified = async () => false;
    await assert.rejects(enrollment.enroll(await request('bob', keys[0])), (err: unknown) => err instanceof DomainError && err.code === 'bad_csr');
    assert.equal(await directory.get('bob'), undefined);
    assert.deepEqual(await records.pending(), []);
    assert.equal((await records.all()).length, 1);
  });
});
