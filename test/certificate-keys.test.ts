// One key, one certificate (protocol §2): the certificate records know each certified key by the
// SHA-256 of its SPKI (a column with a UNIQUE index), filled for rows from before by a migration.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteCertificateRecords } from '../src/store/sqlite/certificates.ts';
import { KeyAlreadyCertified } from '../src/pki/records.ts';
import { CA_SIGNING, fingerprint, keyHash } from '../src/pki/x509.ts';
import { tempDir } from './helpers/server.ts';
import { testCa } from './helpers/ca.ts';
import { stagedRecord } from './helpers/records.ts';

async function rsaSpki(): Promise<Uint8Array<ArrayBuffer>> {
  const keys = await crypto.subtle.generateKey({ ...CA_SIGNING, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify']);
  return new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
}

describe('certified keys in the certificate records', () => {
  it('fills the key hash of rows written before it existed; a key certified twice back then keeps it on its first certificate', async () => {
    const { issue } = await testCa();
    const [k1, k2] = [await rsaSpki(), await rsaSpki()];
    const certs = [await issue('alice', k1), await issue('alice', k1), await issue('bob', k2)].map((c) => new Uint8Array(c.rawData));

    // A database as the previous version left it.
    const file = join(tempDir('tekup-keys-'), 'tekup.db');
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE schema_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL);
      CREATE TABLE certificates (serial TEXT PRIMARY KEY, login TEXT NOT NULL, fingerprint TEXT NOT NULL UNIQUE, der BLOB NOT NULL,
        not_before TEXT NOT NULL, not_after TEXT NOT NULL, issued_at TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('pending', 'issued')),
        revoked_at TEXT, revocation_reason TEXT);
      CREATE INDEX certificates_login ON certificates (login);
      CREATE INDEX certificates_revoked ON certificates (revoked_at) WHERE revoked_at IS NOT NULL;
      INSERT INTO schema_versions VALUES ('certificates', 1), ('certificates_revoked_index', 1);`);
    const insert = old.prepare(`INSERT INTO certificates (serial, login, fingerprint, der, not_before, not_after, issued_at, state, revoked_at, revocation_reason)
      VALUES (?, ?, ?, ?, '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', ?, 'issued', ?, ?)`);
    insert.run('01', 'alice', await fingerprint(certs[0]), certs[0], '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', 'superseded');
    insert.run('02', 'alice', await fingerprint(certs[1]), certs[1], '2026-02-01T00:00:00.000Z', null, null);
    insert.run('03', 'bob', await fingerprint(certs[2]), certs[2], '2026-03-01T00:00:00.000Z', null, null);
    insert.run('04', 'ghost', 'unreadable', new Uint8Array([0]), '2026-04-01T00:00:00.000Z', null, null);
    old.close();

    const db = openDatabase(file);
    const records = new SqliteCertificateRecords(db);
    const hashes = Object.fromEntries((db.prepare('SELECT serial, key_hash FROM certificates').all() as { serial: string; key_hash: string | null }[]).map((r) => [r.serial, r.key_hash]));
    assert.deepEqual(hashes, { '01': keyHash(k1), '02': null, '03': keyHash(k2), '04': null });
    assert.equal((await records.get('03'))!.keyHash, keyHash(k2));
    assert.ok(await records.isKeyCertified(keyHash(k1)), 'a revoked certificate still counts');
    assert.ok(await records.isKeyCertified(keyHash(k2)));
    assert.ok(!await records.isKeyCertified(keyHash(await rsaSpki())));
    // One indexed look-up.
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT 1 FROM certificates WHERE key_hash = ?').all('x') as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join('\n'), /USING COVERING INDEX certificates_key_hash/);
    db.close();
  });

  it('stages no second record for a key, pending or issued, and frees it when a pending one is discarded', async () => {
    const db = openDatabase(join(tempDir('tekup-keys-'), 'tekup.db'));
    const records = new SqliteCertificateRecords(db);
    const record = (serial: string, hash: string) => stagedRecord(serial, { login: 'carol', keyHash: hash });
    await records.stage(record('0a', 'k1'));
    await assert.rejects(records.stage(record('0b', 'k1')), KeyAlreadyCertified);
    assert.equal(await records.get('0b'), undefined);
    await records.confirm('0a');
    await records.revoke('0a', 'keyCompromise', '2026-02-01T00:00:00.000Z');
    await assert.rejects(records.stage(record('0c', 'k1')), KeyAlreadyCertified);
    await records.stage(record('0d', 'k2'));
    await records.discard('0d');
    assert.equal(await records.isKeyCertified('k2'), false);
    await records.stage(record('0e', 'k2'));
    db.close();
  });

  it('knows a key by what it is, not how its SPKI is spelled', async () => {
    const spki = await rsaSpki();
    // The same RSA key with the AlgorithmIdentifier's NULL parameters left out: another DER, one key.
    const hex = Buffer.from(spki).toString('hex');
    const withNull = '300d06092a864886f70d0101010500';
    assert.ok(hex.includes(withNull));
    const bitString = hex.slice(hex.indexOf(withNull) + withNull.length);
    const body = `300b06092a864886f70d010101${bitString}`;
    const length = body.length / 2;
    const respelled = Buffer.from(`3082${length.toString(16).padStart(4, '0')}${body}`, 'hex');
    assert.notDeepEqual(new Uint8Array(respelled), spki);
    assert.equal(keyHash(respelled), keyHash(spki));
  });
});
