// The CertificateRecords port's contract (src/pki/records.ts), one suite for every adapter (SQLite,
// PostgreSQL): each test file calls certificateRecordsContract with a factory that opens empty
// records, and a second set over the same storage as another server instance (or the admin
// command line) would hold.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyAlreadyCertified, type CertificateRecord, type CertificateRecords, type StagedRecord } from '../../src/pki/records.ts';
import { stagedRecord } from './records.ts';
import { freshFixtures } from './contract-fixtures.ts';

export interface CertificateRecordsFixture {
  records: CertificateRecords;
  /** Records over the same storage through a connection of their own: another instance. */
  another(): Promise<CertificateRecords>;
  /**
   * Resolves once what either side wrote is visible to the other: the next turn of the event loop
   * on SQLite, the announcement of the change with PostgreSQL's read caches.
   */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const day = (d: number) => new Date(Date.UTC(2026, 0, d)).toISOString();

/** A staged record issued on day `d` (so lists have one order), key and fingerprint its own. */
const record = (serial: string, d = 1, over: Partial<StagedRecord> = {}) => stagedRecord(serial, { issuedAt: day(d), ...over });

/** What get() answers for a record staged as `r`, once confirmed or not. */
const expected = (r: StagedRecord, over: Partial<CertificateRecord> = {}): CertificateRecord => ({ ...r, der: new Uint8Array(r.der), ...over });

export function certificateRecordsContract(name: string, factory: () => Promise<CertificateRecordsFixture>): void {
  describe(`CertificateRecords contract: ${name}`, () => {
    const fresh = freshFixtures(factory);

    it('stages a record as pending, every field read back as given, by serial and by fingerprint', async () => {
      const { records } = await fresh();
      const r = record('0a', 1, { login: 'zoé', der: new Uint8Array([0x30, 0x82, 0, 0, 255]) });
      await records.stage(r);
      assert.deepEqual(await records.get('0a'), expected(r));
      assert.deepEqual(await records.byFingerprint(r.fingerprint), expected(r));
      assert.equal(await records.get('0b'), undefined);
      assert.equal(await records.byFingerprint('fp-none'), undefined);
      assert.deepEqual(await records.pending(), [expected(r)]);
      assert.deepEqual(await records.all(), [], 'a pending record is not issued');
      assert.deepEqual(await records.forLogin('zoé'), []);
    });

    it("keeps a record's device name and the serials it supersedes, and none when it has none", async () => {
      const { records } = await fresh();
      const r = record('0c', 1, { deviceName: 'Téléphone de Zoé « pro » 📱', supersedes: ['0a', '0b'] });
      await records.stage(r);
      await records.confirm('0c');
      assert.deepEqual(await records.get('0c'), expected(r, { state: 'issued' }));
      const plain = record('0d', 2);
      await records.stage(plain);
      const back = await records.get('0d');
      assert.equal(back?.deviceName, undefined);
      assert.equal(back?.supersedes, undefined);
      assert.ok(!('supersedes' in back!) && !('deviceName' in back!), 'absent, not empty');
    });

    it('confirms a pending record as issued; forLogin and all list the issued ones by issue time', async () => {
      const { records } = await fresh();
      await records.stage(record('03', 3));
      await records.stage(record('01', 1));
      await records.stage(record('02', 2, { login: 'bob' }));
      await records.stage(record('04', 4));
      for (const s of ['01', '02', '03']) await records.confirm(s);
      assert.equal((await records.get('01'))?.state, 'issued');
      assert.deepEqual((await records.forLogin('alice')).map((r) => r.serial), ['01', '03']);
      assert.deepEqual((await records.forLogin('bob')).map((r) => r.serial), ['02']);
      assert.deepEqual((await records.forLogin('nobody')), []);
      assert.deepEqual((await records.all()).map((r) => r.serial), ['01', '02', '03']);
      assert.deepEqual((await records.pending()).map((r) => r.serial), ['04']);
      assert.deepEqual(await records.get('03'), expected(record('03', 3), { state: 'issued' }));
      await records.confirm('03'); // already issued: nothing to do
      await records.confirm('ff'); // unknown: nothing to do
      assert.deepEqual((await records.all()).map((r) => r.serial), ['01', '02', '03']);
    });

    it('discards only a pending record', async () => {
      const { records } = await fresh();
      await records.stage(record('0a'));
      await records.stage(record('0b'));
      await records.confirm('0b');
      await records.discard('0a');
      await records.discard('0b');
      await records.discard('ff');
      assert.equal(await records.get('0a'), undefined);
      assert.equal((await records.get('0b'))?.state, 'issued');
      assert.deepEqual(await records.pending(), []);
    });

    it('stages no second record for a key, pending, issued or revoked, and frees it when a pending one is discarded', async () => {
      const { records } = await fresh();
      const withKey = (serial: string, keyHash: string) => record(serial, 1, { login: 'carol', keyHash });
      assert.equal(await records.isKeyCertified('k1'), false);
      await records.stage(withKey('0a', 'k1'));
      assert.equal(await records.isKeyCertified('k1'), true, 'a pending record holds its key');
      await assert.rejects(records.stage(withKey('0b', 'k1')), KeyAlreadyCertified);
      assert.equal(await records.get('0b'), undefined, 'nothing recorded for the refused one');
      await records.confirm('0a');
      await assert.rejects(records.stage(withKey('0c', 'k1')), KeyAlreadyCertified);
      assert.ok(await records.revoke('0a', 'keyCompromise', day(2)));
      await assert.rejects(records.stage(withKey('0d', 'k1')), KeyAlreadyCertified, 'a revoked certificate still counts');
      assert.equal(await records.isKeyCertified('k1'), true);
      await records.stage(withKey('0e', 'k2'));
      await records.discard('0e');
      assert.equal(await records.isKeyCertified('k2'), false);
      await records.stage(withKey('0f', 'k2'));
      assert.equal((await records.get('0f'))?.keyHash, 'k2');
      assert.deepEqual((await records.pending()).map((r) => r.serial), ['0f']);
    });

    it('refuses a record whose serial or fingerprint is already recorded, keeping the first', async () => {
      const { records } = await fresh();
      await records.stage(record('0a'));
      await assert.rejects(records.stage(record('0a', 2, { keyHash: 'another key', fingerprint: 'fp-other' })));
      await assert.rejects(records.stage(record('0b', 2, { fingerprint: 'fp-0a' })));
      assert.deepEqual(await records.get('0a'), expected(record('0a')));
      assert.equal(await records.get('0b'), undefined);
    });

    it('revokes an issued record once, with its time and reason; never a pending or unknown one', async () => {
      const { records } = await fresh();
      await records.stage(record('0a', 1));
      await records.confirm('0a');
      await records.stage(record('0b', 2));
      assert.equal(await records.revoke('0b', 'unspecified', day(5)), false, 'pending');
      assert.equal(await records.revoke('ff', 'unspecified', day(5)), false, 'unknown');
      assert.equal(await records.revoke('0a', 'superseded', day(5)), true);
      assert.equal(await records.revoke('0a', 'keyCompromise', day(6)), false, 'already revoked: the first revocation stands');
      const got = await records.get('0a');
      assert.deepEqual(got, expected(record('0a', 1), { state: 'issued', revokedAt: day(5), revocationReason: 'superseded' }));
      assert.equal((await records.get('0b'))?.revokedAt, undefined);
      assert.deepEqual((await records.forLogin('alice')).map((r) => r.serial), ['0a'], 'a revoked certificate is still listed');
    });

    it('lists the revoked records by revocation time, with every reason', async () => {
      const { records } = await fresh();
      const reasons = ['keyCompromise', 'cessationOfOperation', 'affiliationChanged', 'privilegeWithdrawn'] as const;
      for (const [i, serial] of ['11', '12', '13', '14', '15'].entries()) {
        await records.stage(record(serial, i + 1));
        await records.confirm(serial);
      }
      for (const [i, serial] of ['13', '11', '14', '12'].entries()) assert.ok(await records.revoke(serial, reasons[i], day(20 - i)));
      const revoked = await records.revoked();
      assert.deepEqual(
        revoked.map((r) => [r.serial, r.revokedAt, r.revocationReason]),
        [
          ['12', day(17), 'privilegeWithdrawn'],
          ['14', day(18), 'affiliationChanged'],
          ['11', day(19), 'cessationOfOperation'],
          ['13', day(20), 'keyCompromise'],
        ],
      );
    });

    it('moves the revocation mark with every revocation, by this instance or another, and only then', async () => {
      const { records, another } = await fresh();
      const other = await another();
      const mark0 = await records.revocationMark();
      assert.equal(await records.revocationMark(), mark0, 'stable while nothing is revoked');
      for (const serial of ['0a', '0b', '0c']) {
        await records.stage(record(serial));
        await records.confirm(serial);
      }
      assert.equal(await records.revocationMark(), mark0, 'issuing certificates revokes nothing');
      assert.ok(await records.revoke('0a', 'keyCompromise', day(9)));
      const mark1 = await records.revocationMark();
      assert.notEqual(mark1, mark0);
      assert.equal(await other.revocationMark(), mark1, 'every instance reads the same mark');
      // The same instant as the first: the mark still moves.
      assert.ok(await other.revoke('0b', 'superseded', day(9)));
      const mark2 = await records.revocationMark();
      assert.ok(mark2 !== mark1 && mark2 !== mark0);
      assert.ok(await other.revoke('0c', 'superseded', day(1)), 'an earlier time than the others');
      const mark3 = await records.revocationMark();
      assert.ok(![mark0, mark1, mark2].includes(mark3));
    });

    it("sees another instance's writes once settled: a revocation, a record it staged, one it discarded", async () => {
      const { records, another, settled } = await fresh();
      const other = await another();
      await records.stage(record('0a'));
      await records.confirm('0a');
      assert.equal((await records.get('0a'))?.revokedAt, undefined);
      await settled();
      assert.equal((await records.get('0a'))?.revokedAt, undefined, 'read once more');
      assert.ok(await other.revoke('0a', 'cessationOfOperation', day(7)));
      await settled();
      assert.equal((await records.get('0a'))?.revokedAt, day(7));
      assert.equal((await records.get('0a'))?.revocationReason, 'cessationOfOperation');
      assert.equal(await records.get('0b'), undefined, 'absent');
      await other.stage(record('0b'));
      await settled();
      assert.equal((await records.get('0b'))?.state, 'pending');
      await other.discard('0b');
      await settled();
      assert.equal(await records.get('0b'), undefined);
    });

    it("sees a login's certificates change on another instance once settled: a new one, a revoked one", async () => {
      const { records, another, settled } = await fresh();
      const other = await another();
      await records.stage(record('1a', 1));
      await records.confirm('1a');
      assert.deepEqual((await records.forLogin('alice')).map((r) => r.serial), ['1a']);
      await other.stage(record('1b', 2));
      await settled();
      assert.deepEqual((await records.forLogin('alice')).map((r) => r.serial), ['1a'], 'a pending one is not listed');
      await other.confirm('1b');
      await settled();
      assert.deepEqual((await records.forLogin('alice')).map((r) => r.serial), ['1a', '1b']);
      assert.ok(await other.revoke('1a', 'keyCompromise', day(3)));
      await settled();
      assert.equal((await records.forLogin('alice'))[0].revocationReason, 'keyCompromise');
      // And this instance's own writes, at once.
      await records.stage(record('1c', 3));
      await records.confirm('1c');
      assert.deepEqual((await records.forLogin('alice')).map((r) => r.serial), ['1a', '1b', '1c']);
    });

    it('hands out values no caller can change for the others', async () => {
      const { records } = await fresh();
      await records.stage(record('0e'));
      const r = (await records.get('0e'))!;
      try {
        (r as { login: string }).login = 'mallory';
      } catch {
        // Frozen: as good.
      }
      assert.equal((await records.get('0e'))?.login, 'alice');
    });

    it('lets exactly one of two simultaneous stagings of one key in, on two instances', async () => {
      const { records, another } = await fresh();
      const other = await another();
      for (let round = 0; round < 5; round++) {
        const key = `race-${round}`;
        const results = await Promise.allSettled([
          records.stage(record(`a${round}`, 1, { keyHash: key })),
          other.stage(record(`b${round}`, 1, { keyHash: key })),
        ]);
        assert.equal(results.filter((x) => x.status === 'fulfilled').length, 1, `round ${round}`);
        const lost = results.find((x) => x.status === 'rejected') as PromiseRejectedResult;
        assert.ok(lost.reason instanceof KeyAlreadyCertified, String(lost.reason));
      }
      assert.equal((await records.pending()).length, 5);
    });

    it('lets exactly one of two simultaneous revocations of one record succeed, on two instances', async () => {
      const { records, another } = await fresh();
      const other = await another();
      for (let round = 0; round < 5; round++) {
        const serial = `0${round}`;
        await records.stage(record(serial));
        await records.confirm(serial);
        const results = await Promise.all([records.revoke(serial, 'keyCompromise', day(3)), other.revoke(serial, 'superseded', day(4))]);
        assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results}`);
        const kept = (await records.get(serial))!;
        assert.equal(kept.revokedAt, results[0] ? day(3) : day(4), 'the winner wrote the revocation');
      }
      assert.equal((await records.revoked()).length, 5);
    });
  });
}
