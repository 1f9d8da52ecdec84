// The contract of the pre-produced OCSP responses' store (src/pki/prepared-ocsp.ts), one suite for
// every adapter: each test file calls preparedOcspContract with a factory that makes an empty
// store beside empty certificate records, and ways to write those records as the CA would.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PreparedOcspResponse, PreparedOcspStore } from '../../src/pki/prepared-ocsp.ts';
import type { RevocationReason } from '../../src/pki/records.ts';

export interface PreparedOcspFixture {
  store: PreparedOcspStore;
  /** Records an issued certificate (staged, then confirmed). */
  issue(serial: string, notAfter?: string): Promise<void>;
  /** Records a certificate still pending (a registration under way). */
  stage(serial: string): Promise<void>;
  /** Revokes a recorded certificate as another process sharing the records would (the admin command line). */
  revokeElsewhere(serial: string, reason: RevocationReason, at: string): Promise<void>;
  close(): Promise<void>;
}

const NOT_AFTER = '2099-01-01T00:00:00.000Z';
const NOW = new Date('2026-06-01T12:00:00.000Z');
const bytes = (...b: number[]) => new Uint8Array(b);

function response(serial: string, over: Partial<PreparedOcspResponse> = {}): PreparedOcspResponse {
  return {
    serial,
    certId: bytes(0x30, 1, 2, 3),
    thisUpdate: new Date('2026-06-01T11:00:00.000Z'),
    nextUpdate: new Date('2026-06-01T12:00:00.000Z'),
    der: crypto.getRandomValues(new Uint8Array(700)),
    ...over,
  };
}

export function preparedOcspContract(name: string, factory: () => Promise<PreparedOcspFixture>): void {
  describe(`pre-produced OCSP responses: ${name}`, () => {
    const open: PreparedOcspFixture[] = [];
    after(async () => {
      for (const f of open) await f.close();
    });
    const fresh = async () => {
      const f = await factory();
      open.push(f);
      return f;
    };

    it('keeps one response per certificate and CertID form, replaced when put again, with its dates and the revocation it attests', async () => {
      const { store, issue } = await fresh();
      await issue('0a');
      const sha1 = response('0a');
      const sha256 = response('0a', { certId: bytes(0x30, 9, 9), revokedAt: '2026-06-01T10:59:00.123Z', revocationReason: 'keyCompromise' });
      await store.put([sha1, sha256]);
      assert.deepEqual(await store.get('0a', sha1.certId), sha1);
      assert.deepEqual(await store.get('0a', sha256.certId), sha256);
      assert.equal(await store.get('0a', bytes(0x30, 7)), undefined);
      assert.equal(await store.get('0b', sha1.certId), undefined);
      const again = response('0a', { thisUpdate: new Date('2026-06-01T11:30:00.000Z'), nextUpdate: new Date('2026-06-01T12:30:00.000Z') });
      await store.put([again]);
      assert.deepEqual(await store.get('0a', sha1.certId), again);
      const forms = await store.forSerial('0a');
      assert.equal(forms.length, 2);
      assert.deepEqual(forms.find((r) => r.certId.length === 3), sha256);
    });

    it('stores all of a put or none of it, and only responses for recorded certificates', async () => {
      const { store, issue } = await fresh();
      await issue('0c');
      await assert.rejects(store.put([response('0c'), response('ffff')]));
      assert.equal(await store.get('0c', response('0c').certId), undefined);
    });

    it('forgets every form of a certificate at once', async () => {
      const { store, issue } = await fresh();
      await issue('0d');
      await issue('0e');
      await store.put([response('0d'), response('0d', { certId: bytes(0x30, 5) }), response('0e')]);
      await store.remove('0d');
      assert.deepEqual(await store.forSerial('0d'), []);
      assert.equal((await store.forSerial('0e')).length, 1);
    });

    it('lists the responses signed before a time, oldest first, as many as asked', async () => {
      const { store, issue } = await fresh();
      for (const s of ['11', '12', '13']) await issue(s);
      const at = (min: number) => new Date(Date.UTC(2026, 5, 1, 11, min));
      await store.put([response('12', { thisUpdate: at(20) }), response('11', { thisUpdate: at(10) }), response('13', { thisUpdate: at(40) })]);
      assert.deepEqual((await store.signedBefore(at(30), 10)).map((r) => r.serial), ['11', '12']);
      assert.deepEqual((await store.signedBefore(at(30), 1)).map((r) => r.serial), ['11']);
      assert.deepEqual(await store.signedBefore(at(5), 10), []);
    });

    it('names the issued, unexpired certificates with no response or one attesting another revocation than their record', async () => {
      const { store, issue, stage, revokeElsewhere } = await fresh();
      await issue('21'); // no response yet
      await issue('22'); // good, says good
      await issue('23'); // revoked, response says good
      await issue('24'); // revoked, response says so
      await issue('25'); // revoked, response names another reason
      await issue('26', '2026-05-01T00:00:00.000Z'); // expired
      await stage('27'); // pending
      await revokeElsewhere('23', 'keyCompromise', '2026-06-01T10:00:00.000Z');
      await revokeElsewhere('24', 'superseded', '2026-06-01T10:00:01.000Z');
      await revokeElsewhere('25', 'superseded', '2026-06-01T10:00:02.000Z');
      await store.put([
        response('22'),
        response('23'),
        response('24', { revokedAt: '2026-06-01T10:00:01.000Z', revocationReason: 'superseded' }),
        response('25', { revokedAt: '2026-06-01T10:00:02.000Z', revocationReason: 'keyCompromise' }),
      ]);
      assert.deepEqual((await store.outdated(NOW, 100)).sort(), ['21', '23', '25']);
      assert.equal((await store.outdated(NOW, 2)).length, 2);
      // a second form that disagrees is enough
      await store.put([response('24', { certId: bytes(0x30, 8) })]);
      assert.deepEqual((await store.outdated(NOW, 100)).sort(), ['21', '23', '24', '25']);
    });

    it('moves its records mark when a certificate is recorded or revoked, by this process or another, and only then', async () => {
      const { store, issue, revokeElsewhere } = await fresh();
      const m0 = await store.recordsMark();
      assert.equal(await store.recordsMark(), m0);
      await issue('31');
      const m1 = await store.recordsMark();
      assert.notEqual(m1, m0);
      await store.put([response('31')]);
      assert.equal(await store.recordsMark(), m1, 'storing responses is no change of the records');
      await revokeElsewhere('31', 'unspecified', '2026-06-01T10:00:00.000Z');
      assert.notEqual(await store.recordsMark(), m1);
    });
  });
}
