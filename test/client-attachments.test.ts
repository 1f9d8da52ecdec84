// Protocol §8 in the browser code: a file encrypts under its own key into a description the
// plaintext schema accepts, and a downloaded file is given back only when it is the one signed for.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { AttachmentError, decryptAttachment, encryptAttachment } from '../src/client/attachments.ts';
import { plaintextV2Schema } from '../src/protocol/envelope.ts';
import { fromBase64 } from '../src/protocol/base64.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AttachmentError, String(e));
    return e.code;
  }
  return 'opened';
}

describe('attachments (§8)', () => {
  it('encrypts a File, describing it as the plaintext schema wants, and decrypts it back', async () => {
    const content = bytes('%PDF-1.4 hello');
    const file = new File([content], 'report.pdf', { type: 'application/pdf' });
    const { ciphertext, description: d } = await encryptAttachment(file);
    assert.equal(ciphertext.byteLength, content.byteLength + 16, 'ciphertext and GCM tag');
    assert.equal(d.name, 'report.pdf');
    assert.equal(d.type, 'application/pdf');
    assert.equal(d.size, content.byteLength);
    assert.equal(d.sha256, createHash('sha256').update(content).digest('hex'));
    assert.equal(fromBase64(d.key).byteLength, 32);
    assert.equal(fromBase64(d.iv).byteLength, 12);
    const id = createHash('sha256').update(ciphertext).digest('hex');
    const plaintext = { v: 2, id: crypto.randomUUID(), from: 'alice', cert: '01', to: 'bob', sentAt: new Date().toISOString(), text: '', attachments: [{ id, ...d }], sig: 'x'.repeat(344) };
    const parsed = v.safeParse(plaintextV2Schema, plaintext);
    assert.ok(parsed.success, 'the description fits the signed plaintext: ' + JSON.stringify(parsed.issues?.map((i) => i.message)));
    assert.deepEqual(await decryptAttachment(ciphertext, d), content);
  });

  it('takes bytes with a name, a fresh key and IV every time, and an empty file', async () => {
    const one = await encryptAttachment(bytes('same'), { name: 'a.txt' });
    const two = await encryptAttachment(bytes('same'), { name: 'a.txt' });
    assert.equal(one.description.type, '');
    assert.notEqual(one.description.key, two.description.key);
    assert.notEqual(one.description.iv, two.description.iv);
    assert.notDeepEqual(one.ciphertext, two.ciphertext);
    assert.equal(one.description.sha256, two.description.sha256, 'the plaintext hash names the content');
    const empty = await encryptAttachment(new Uint8Array(0), { name: 'empty', type: 'text/plain' });
    assert.deepEqual(await decryptAttachment(empty.ciphertext, empty.description), new Uint8Array(0));
    await assert.rejects(encryptAttachment(bytes('x')), /needs a name/);
  });

  it('refuses altered ciphertext, another key, and a size or hash other than the signed ones', async () => {
    const { ciphertext, description: d } = await encryptAttachment(bytes('the real file'), { name: 'f.txt' });
    const altered = ciphertext.slice();
    altered[0]! ^= 1;
    assert.equal(await code(decryptAttachment(altered, d)), 'decrypt_failed');
    const other = await encryptAttachment(bytes('the real file'), { name: 'f.txt' });
    assert.equal(await code(decryptAttachment(ciphertext, other.description)), 'decrypt_failed');
    assert.equal(await code(decryptAttachment(ciphertext, { ...d, size: d.size + 1 })), 'wrong_size');
    assert.equal(await code(decryptAttachment(ciphertext, { ...d, sha256: '0'.repeat(64) })), 'wrong_hash');
    await assert.rejects(decryptAttachment(ciphertext, { ...d, sha256: '0'.repeat(64) }), /does not match the SHA-256 its sender signed/);
  });
});
