// A certificate record as the CA stages it before signing is confirmed, for tests of the stores
// that hold records: placeholder DER and fixed dates; serial, fingerprint and key hash unique per
// serial unless the test says otherwise.
import type { StagedRecord } from '../../src/pki/records.ts';

export function stagedRecord(serial: string, over: Partial<StagedRecord> = {}): StagedRecord {
  return {
    serial,
    login: 'alice',
    fingerprint: `fp-${serial}`,
    der: new Uint8Array([1, 2, 3]),
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    issuedAt: '2026-01-01T00:00:00.000Z',
    state: 'pending',
    keyHash: `key-${serial}`,
    ...over,
  };
}
