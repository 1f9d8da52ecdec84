// Registration is all or nothing (protocol §2): the user entry and the certificate record commit
// together, and a failure at any point between signing and storing leaves neither.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteCertificateRecords } from '../src/store/sqlite/certificates.ts';
import { EmbeddedDirectory } from '../src/store/sqlite/directory.ts';
import type { Registration } from '../src/directory/directory.ts';
import { tempDir } from './helpers/server.ts';
import { stagedRecord } from './helpers/records.ts';

function setup() {
  const db = openDatabase(join(tempDir(), 'tekup.db'));
  return { db, records: new SqliteCertificateRecords(db), directory: new EmbeddedDirectory(db) };
}

let issued = 0;

function registration(records: SqliteCertificateRecords, login: string, failAt?: 'stage' | 'confirm'): Registration {
  issued++;
  const record = stagedRecord(`0a${issued.toString(16).padStart(4, '0')}`, { login, fingerprint: `fp-${issued}`, keyHash: `key-${issued}` });
  return {
    user: {
      login,
      cardNumber: String(10_000_000 + login.length),
      firstName: 'A',
      lastName: 'B',
      email: `${login}@example.org`,
      passwordHash: '{PBKDF2-SHA256}600000$x$y',
      certificate: record.der,
      createdAt: record.issuedAt,
    },
    stage: async () => {
      await records.stage(record);
      if (failAt === 'stage') throw new Error('process died after signing');
    },
    confirm: async () => {
      if (failAt === 'confirm') throw new Error('process died before commit');
      await records.confirm(record.serial);
    },
    discard: () => records.discard(record.serial),
  };
}

describe('embedded directory registration', () => {
  it('stores the user and the issued certificate together', async () => {
    const { directory, records } = setup();
    await directory.register(registration(records, 'alice'));
    assert.equal((await directory.get('alice'))?.email, 'alice@example.org');
    assert.equal((await records.forLogin('alice')).length, 1);
    assert.equal((await records.forLogin('alice'))[0].state, 'issued');
    assert.equal((await records.pending()).length, 0);
  });

  for (const failAt of ['stage', 'confirm'] as const) {
    it(`leaves neither user nor certificate when it fails at ${failAt}`, async () => {
      const { directory, records, db } = setup();
      await assert.rejects(directory.register(registration(records, 'bob', failAt)));
      assert.equal(await directory.get('bob'), undefined);
      assert.equal((db.prepare('SELECT count(*) AS n FROM certificates').get() as { n: number }).n, 0);
      assert.equal((await directory.list()).length, 0);
    });
  }

  it('turns a unique-constraint race into a conflict naming the field, keeping nothing', async () => {
    const { directory, records, db } = setup();
    await directory.register(registration(records, 'carol'));
    const second = registration(records, 'carol');
    second.user = { ...second.user, login: 'carol2', cardNumber: '99999999' };
    await assert.rejects(directory.register(second), (err: any) => err.code === 'conflict' && err.extra.field === 'email');
    assert.equal((db.prepare('SELECT count(*) AS n FROM certificates').get() as { n: number }).n, 1);
  });
});
