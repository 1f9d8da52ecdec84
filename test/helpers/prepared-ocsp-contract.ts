// The contract of the pre-produced OCSP responses' store (src/pki/prepared-ocsp.ts), one suite for
// every adapter: each test file calls preparedOcspContract with a factory that makes an empty
// store beside empty certificate records, and ways to write those records as the CA would.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PreparedOcspResponse, PreparedOcspStore } from '../../src/pki/prepared-ocsp.ts';
import type { RevocationReason } from '../../src/pki/records.ts';
import { freshFixtures } from './contract-fixtures.ts';

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
    const fresh = freshFixtures(factory);

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

    it('hands out each certificate once it is issued or its revocation changes, by this process or another, oldest change first, once per change', async () => {
      const { store, issue, stage, revokeElsewhere } = await fresh();
      assert.deepEqual(await store.takeChanged(10), []);
      await issue('21');
      await issue('22');
      await stage('23'); // pending: nothing to answer for yet
      assert.deepEqual(await store.takeChanged(10), ['21', '22']);
      assert.deepEqual(await store.takeChanged(10), []);
      await store.put([response('21')]);
      assert.deepEqual(await store.takeChanged(10), [], 'storing responses is no change of the records');
      await revokeElsewhere('22', 'keyCompromise', '2026-06-01T10:00:00.000Z');
      await issue('24');
      assert.deepEqual(await store.takeChanged(1), ['22']);
      assert.deepEqual(await store.takeChanged(10), ['24']);
      await store.markChanged(['21']);
      assert.deepEqual(await store.takeChanged(10), ['21'], 'handed out again when asked to');
    });
  });
}
