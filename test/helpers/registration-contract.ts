// Registration is all or nothing (protocol §2) when the embedded directory and the certificate
// records share one storage (SQLite file or PostgreSQL database): one suite for both, as
// test/registration-atomicity.test.ts checks it on SQLite. The Directory contract itself
// (directory-contract.ts) stages into SQLite records whatever the directory; this one stages into
// the directory's own storage, through the CertificateRecords port, from two instances too.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Directory, DirectoryUser, Registration, UniqueField } from '../../src/directory/directory.ts';
import type { CertificateRecords, StagedRecord } from '../../src/pki/records.ts';
import { certificate, person } from './directory-contract.ts';
import { freshFixtures } from './contract-fixtures.ts';

export interface Instance {
  directory: Directory;
  records: CertificateRecords;
}

export interface RegistrationFixture extends Instance {
  /** Another instance over the same storage: its own connection, directory and records. */
  another(): Promise<Instance>;
  /**
   * Resolves once what either instance wrote is visible to the other: the next turn of the event
   * loop on SQLite, the announcement of the change with PostgreSQL's read caches.
   */
  settled(): Promise<void>;
  close(): Promise<void>;
}

let made = 0;

/** A registration as src/usecases/enrollment.ts builds one; `failAt` makes that step throw. */
async function registration(records: CertificateRecords, over: Partial<DirectoryUser> = {}, failAt?: 'stage' | 'confirm') {
  made++;
  const p = person(over);
  const der = await certificate(p.login);
  const record: StagedRecord = {
    serial: `0b${made.toString(16).padStart(6, '0')}${process.pid.toString(16)}`,
    login: p.login,
    fingerprint: createHash('sha256').update(der).digest('hex'),
    der,
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    issuedAt: p.createdAt,
    state: 'pending',
    keyHash: createHash('sha256').update('key of ').update(der).digest('hex'),
  };
  const r: Registration & { record: StagedRecord } = {
    record,
    user: { ...p, certificate: der },
    stage: async () => {
      await records.stage(record);
      if (failAt === 'stage') throw new Error('died after signing');
    },
    confirm: async () => {
      if (failAt === 'confirm') throw new Error('died before confirming');
      await records.confirm(record.serial);
    },
    discard: () => records.discard(record.serial),
  };
  return r;
}

/** Every certificate record, pending or issued. */
async function counts(records: CertificateRecords) {
  return { pending: (await records.pending()).length, issued: (await records.all()).length };
}

const isConflict = (field: UniqueField) => (err: any) => {
  assert.equal(err.code, 'conflict', err.message);
  assert.equal(err.extra.field, field);
  return true;
};

export function registrationContract(name: string, factory: () => Promise<RegistrationFixture>): void {
  describe(`registration with the records beside the users: ${name}`, () => {
    const fresh = freshFixtures(factory);

    it('stores the user and the issued certificate together', async () => {
      const { directory, records } = await fresh();
      const r = await registration(records, { login: 'alice' });
      await directory.register(r);
      assert.equal((await directory.get('alice'))?.email, r.user.email);
      assert.deepEqual((await records.forLogin('alice')).map((c) => [c.serial, c.state]), [[r.record.serial, 'issued']]);
      assert.deepEqual(await counts(records), { pending: 0, issued: 1 });
    });

    for (const failAt of ['stage', 'confirm'] as const) {
      it(`leaves neither user nor certificate when it fails at ${failAt}`, async () => {
        const { directory, records } = await fresh();
        const r = await registration(records, { login: 'bob' }, failAt);
        await assert.rejects(directory.register(r), /died/);
        assert.equal(await directory.get('bob'), undefined);
        assert.deepEqual(await directory.list(), []);
        assert.deepEqual(await counts(records), { pending: 0, issued: 0 });
        assert.equal(await records.isKeyCertified(r.record.keyHash), false, 'the key is free again');
      });
    }

    it('turns a unique-constraint race into a conflict naming the field, keeping one certificate', async () => {
      const { directory, records } = await fresh();
      const first = await registration(records, { login: 'carol' });
      await directory.register(first);
      // Past findConflicts, as a request racing the first would be.
      const second = await registration(records, { login: 'carol2', email: first.user.email.toUpperCase() });
      await assert.rejects(directory.register(second), isConflict('email'));
      assert.equal(await records.get(second.record.serial), undefined);
      assert.deepEqual(await counts(records), { pending: 0, issued: 1 });
    });

    for (const field of ['login', 'email', 'cardNumber'] as const) {
      it(`lets one of two instances registering one ${field} at once in, and keeps no certificate for the other`, async () => {
        const { directory, records, another } = await fresh();
        const other = await another();
        const a = await registration(records, { login: 'dana', email: 'dana@example.org', cardNumber: '40000001' });
        const shared = { login: 'dana', email: 'DANA@example.org', cardNumber: '40000001' }[field];
        const b = await registration(other.records, { login: 'erin', email: 'erin@example.org', cardNumber: '40000002', [field]: shared });
        const results = await Promise.allSettled([directory.register(a), other.directory.register(b)]);
        assert.equal(results.filter((x) => x.status === 'fulfilled').length, 1, JSON.stringify(results));
        isConflict(field)((results.find((x) => x.status === 'rejected') as PromiseRejectedResult).reason);
        assert.equal((await directory.list()).length, 1);
        assert.deepEqual(await counts(records), { pending: 0, issued: 1 });
        const winner = results[0].status === 'fulfilled' ? a : b;
        assert.equal((await other.records.get(winner.record.serial))?.state, 'issued');
      });
    }

    it("sees the users another instance registers and the passwords and certificates it changes", async () => {
      const { directory, records, another, settled } = await fresh();
      const other = await another();
      const r = await registration(other.records, { login: 'fay' });
      // An instance with read caches sees another's writes once they are announced to it.
      await other.directory.register(r);
      await settled();
      assert.equal((await directory.get('fay'))?.email, r.user.email);
      await other.directory.setPasswordHash('fay', '{PBKDF2-SHA256}600000$bmV3$bmV3');
      await settled();
      assert.equal((await directory.get('fay'))?.passwordHash, '{PBKDF2-SHA256}600000$bmV3$bmV3');
      const renewed = await certificate('renewed');
      await other.directory.setCertificate('fay', renewed);
      await settled();
      assert.deepEqual((await directory.get('fay'))?.certificate, renewed);
      assert.deepEqual(await directory.findConflicts({ login: 'fay', email: 'x@example.org', cardNumber: '1' }), ['login']);
      assert.equal((await records.get(r.record.serial))?.state, 'issued');
    });
  });
}
