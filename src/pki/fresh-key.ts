// One key, one identity (protocol §2): a certificate request must hold a key this CA never
// certified, for anyone, revoked or not. Renewal and recovery exist to replace a key, possibly one
// reported compromised; enrollment must not bind a second login to a key another one holds.
// The look-up answers the common case early; the records' own refusal to stage a second record
// for one key (CertificateRecords.stage) settles two requests that raced past it.
import { DomainError } from '../protocol/errors.ts';
import { KeyAlreadyCertified, type CertificateRecords, type StagedRecord } from './records.ts';
import type { CertifiableKey } from './x509.ts';
import { errorText } from '../protocol/error-messages.ts';

export type KeyUse = 'enrollment' | 'renewal' | 'recovery' | 'device';

export function keyAlreadyCertified(use: KeyUse): DomainError {
  const message = errorText(`error.csr.certified.${use}`);
  return new DomainError('bad_csr', message, { csr: message });
}

/** Refuses (bad_csr) a key that any certificate of this CA holds. */
export async function refuseCertifiedKey(records: Pick<CertificateRecords, 'isKeyCertified'>, key: CertifiableKey, use: KeyUse): Promise<void> {
  if (await records.isKeyCertified(key.hash)) throw keyAlreadyCertified(use);
}

/** Stages the record, refusing (bad_csr) when another request certified the same key meanwhile. */
export async function stageFresh(records: Pick<CertificateRecords, 'stage'>, record: StagedRecord, use: KeyUse): Promise<void> {
  try {
    await records.stage(record);
  } catch (err) {
    if (err instanceof KeyAlreadyCertified) throw keyAlreadyCertified(use);
    throw err;
  }
}
