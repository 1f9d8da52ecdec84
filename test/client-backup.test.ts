// The private-key backup is an openssl-compatible encrypted PKCS#8 (PBES2, PBKDF2-HMAC-SHA256,
// AES-256-CBC): openssl opens ours, and we open openssl's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { BACKUP_ITERATIONS, BackupError, decryptPrivateKey, encryptPrivateKey, importBackup } from '../src/client/backup.ts';
import { generateKey, importPrivateKey } from '../src/client/keys.ts';
import { fromPem, toPem } from '../src/client/pem.ts';
import { OID, Pbes2Params, Pbkdf2Params } from '../src/client/pbes2.ts';
import { openssl } from './helpers/openssl.ts';
import { tempDir } from './helpers/server.ts';

const PASSWORD = 'Une phrase de passe assez longue, ça';

function opensslKey(): string {
  return openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
}

/** Encrypts a PEM private key the way the task names it, with openssl. */
function opensslEncrypt(keyPem: string, password: string, extra: string[] = ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256']): string {
  const dir = tempDir('tekup-p8-');
  writeFileSync(join(dir, 'key.pem'), keyPem);
  return openssl(['pkcs8', '-topk8', '-in', join(dir, 'key.pem'), ...extra, '-passout', `pass:${password}`]);
}

describe('our backup, opened by openssl', () => {
  it('decrypts with `openssl pkcs8 -passin` to the same key, with the parameters we promise', async () => {
    const key = await generateKey();
    const pem = await encryptPrivateKey(key.pkcs8, PASSWORD);
    key.forget();
    assert.match(pem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);

    const file = join(tempDir('tekup-backup-'), 'backup.pem');
    writeFileSync(file, pem);
    const decrypted = openssl(['pkcs8', '-in', file, '-passin', `pass:${PASSWORD}`]);
    assert.match(decrypted, /^-----BEGIN PRIVATE KEY-----/);
    assert.deepEqual(fromPem(openssl(['pkey', '-pubout'], decrypted), 'PUBLIC KEY'), key.spki);

    const info = AsnConvert.parse(fromPem(pem, 'ENCRYPTED PRIVATE KEY'), EncryptedPrivateKeyInfo);
    assert.equal(info.encryptionAlgorithm.algorithm, OID.pbes2);
    const pbes2 = AsnConvert.parse(info.encryptionAlgorithm.parameters!, Pbes2Params);
    assert.equal(pbes2.keyDerivationFunc.algorithm, OID.pbkdf2);
    assert.equal(pbes2.encryptionScheme.algorithm, OID.aes256Cbc);
    const kdf = AsnConvert.parse(pbes2.keyDerivationFunc.parameters!, Pbkdf2Params);
    assert.equal(kdf.iterationCount, BACKUP_ITERATIONS);
    assert.ok(kdf.iterationCount >= 600_000);
    assert.equal(kdf.prf?.algorithm, OID.hmacWithSHA256);
    assert.equal(kdf.salt.byteLength, 16);

    assert.throws(() => openssl(['pkcs8', '-in', file, '-passin', 'pass:not the password']));
  });

  it('uses a fresh salt and IV each time', async () => {
    const key = await generateKey();
    const [a, b] = await Promise.all([encryptPrivateKey(key.pkcs8, PASSWORD), encryptPrivateKey(key.pkcs8, PASSWORD)]);
    key.forget();
    assert.notEqual(a, b);
  });

  it('refuses fewer than 600,000 iterations and an empty password', async () => {
    const key = await generateKey();
    await assert.rejects(encryptPrivateKey(key.pkcs8, PASSWORD, 10_000), RangeError);
    await assert.rejects(encryptPrivateKey(key.pkcs8, ''), BackupError);
    key.forget();
  });

  it('round-trips: another browser imports it as non-extractable keys of the same public key', async () => {
    const key = await generateKey();
    const pem = await encryptPrivateKey(key.pkcs8, PASSWORD);
    key.forget();
    const restored = await importBackup(pem, PASSWORD);
    assert.deepEqual(restored.spki, key.spki);
    assert.equal(restored.privateKeys.sign.extractable, false);
    assert.equal(restored.privateKeys.decrypt.extractable, false);
    // what the restored key signs verifies with the original public key
    const data = new TextEncoder().encode('still me');
    const sig = await crypto.subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, restored.privateKeys.sign, data);
    assert.ok(await crypto.subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, key.publicKeys.verify, sig, data));
  });
});

describe("openssl's encrypted PKCS#8, imported by us", () => {
  it('imports a key encrypted with `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256`', async () => {
    const keyPem = opensslKey();
    const restored = await importBackup(opensslEncrypt(keyPem, PASSWORD), PASSWORD);
    assert.deepEqual(restored.spki, fromPem(openssl(['pkey', '-pubout'], keyPem), 'PUBLIC KEY'));
  });

  it('reads the other PBES2 variants openssl writes (AES-128, HMAC-SHA512, explicit iterations)', async () => {
    const keyPem = opensslKey();
    const spki = fromPem(openssl(['pkey', '-pubout'], keyPem), 'PUBLIC KEY');
    for (const extra of [
      ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA512'],
      ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256', '-iter', '3000'],
    ]) {
      const pkcs8 = await decryptPrivateKey(opensslEncrypt(keyPem, 'pw', extra), 'pw');
      assert.deepEqual((await importPrivateKey(pkcs8)).spki, spki, extra.join(' '));
    }
  });

  it('says wrong password, not a backup, or unsupported', async () => {
    const keyPem = opensslKey();
    const encrypted = opensslEncrypt(keyPem, PASSWORD);
    const code = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        assert.ok(e instanceof BackupError, String(e));
        return e.code;
      }
      return 'accepted';
    };
    assert.equal(await code(importBackup(encrypted, 'wrong password')), 'wrong_password');
    assert.equal(await code(importBackup(keyPem, PASSWORD)), 'not_a_backup'); // unencrypted
    assert.equal(await code(importBackup('hello', PASSWORD)), 'not_a_backup');
    assert.equal(await code(importBackup(toPem('ENCRYPTED PRIVATE KEY', new Uint8Array([0x30, 0x00])), PASSWORD)), 'not_a_backup');
    const des3 = opensslEncrypt(keyPem, PASSWORD, ['-v2', 'des3']);
    assert.equal(await code(importBackup(des3, PASSWORD)), 'unsupported');
  });
});

