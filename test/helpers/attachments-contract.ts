// The AttachmentRecords port's contract (src/chat/attachments.ts, protocol §8), one suite for every
// adapter (SQLite, PostgreSQL, the in-memory fake), each beside the message and group stores of
// the same storage: the references a message makes to its files are written by the message store,
// in the message's own step, and who may read a file is who may see such a message.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AttachmentRecords } from '../../src/chat/attachments.ts';
import type { MessageStore } from '../../src/chat/messages.ts';
import type { GroupStore } from '../../src/chat/groups.ts';
import { freshFixtures } from './contract-fixtures.ts';
import { admission, groupAdmission, signer, stored } from './messages-contract.ts';
import { newGroup } from './groups-contract.ts';

export interface AttachmentsFixture {
  records: AttachmentRecords;
  /** The messages and groups in the same storage. */
  messages: MessageStore;
  groups: GroupStore;
  close(): Promise<void>;
}

const T0 = '2026-06-01T12:00:00.000Z';
const at = (h: number) => new Date(Date.parse(T0) + h * 3600_000).toISOString();
let made = 0;
/** A distinct attachment id (64 hex digits). */
const fileId = () => (++made).toString(16).padStart(64, 'f');

export function attachmentsContract(name: string, factory: () => Promise<AttachmentsFixture>): void {
  describe(`AttachmentRecords contract: ${name}`, () => {
    const fresh = freshFixtures(factory);
    const alice = signer('alice');
    const bob = signer('bob');

    it('records an upload once per file and uploader, and counts each of one uploader\'s files once in the usage', async () => {
      const { records } = await fresh();
      const a = fileId();
      const b = fileId();
      assert.deepEqual(await records.add({ id: a, size: 1000, uploader: 'alice', uploadedAt: T0 }), { created: true });
      assert.deepEqual(await records.add({ id: a, size: 1000, uploader: 'alice', uploadedAt: at(1) }), { created: false });
      assert.deepEqual(await records.add({ id: a, size: 1000, uploader: 'bob', uploadedAt: T0 }), { created: true });
      await records.add({ id: b, size: 5_000_000_000, uploader: 'alice', uploadedAt: T0 });
      assert.equal(await records.uploadedBy(a, 'alice'), true);
      assert.equal(await records.uploadedBy(a, 'bob'), true);
      assert.equal(await records.uploadedBy(b, 'bob'), false);
      assert.equal(await records.uploadedBy(a, 'Alice'), false, 'logins compare exactly');
      assert.equal(await records.usage('alice'), 5_000_001_000, 'past 32 bits too');
      assert.equal(await records.usage('bob'), 1000);
      assert.equal(await records.usage('carol'), 0);
    });

    it('lets the parties of a 1:1 message listing the file read it, and no one else; the message store refuses a file its sender did not upload', async () => {
      const { records, messages } = await fresh();
      const a = fileId();
      const notHers = fileId();
      await records.add({ id: a, size: 10, uploader: 'alice', uploadedAt: T0 });
      await records.add({ id: notHers, size: 10, uploader: 'bob', uploadedAt: T0 });
      assert.equal(await records.readableBy(a, 'alice'), false, 'not listed yet: not even its uploader');
      assert.deepEqual(await messages.admit({ ...admission(alice, 'bob'), files: [a, notHers] }), { refused: 'unknown_file' });
      assert.deepEqual(await messages.admit({ ...admission(alice, 'bob'), files: [fileId()] }), { refused: 'unknown_file' });
      assert.deepEqual(await messages.conversation('alice', 'bob', { limit: 10 }), [], 'nothing stored');
      assert.equal(await records.readableBy(notHers, 'alice'), false);
      const m = stored(await messages.admit({ ...admission(alice, 'bob'), files: [a] }));
      assert.ok(m.seq > 0);
      assert.equal(await records.readableBy(a, 'alice'), true);
      assert.equal(await records.readableBy(a, 'bob'), true);
      assert.equal(await records.readableBy(a, 'carol'), false);
      assert.equal(await records.readableBy(fileId(), 'alice'), false);
    });

    it('in a group, lets read the members at the epoch the message was sealed, not one added later', async () => {
      const { records, messages, groups } = await fresh();
      const g = newGroup('alice', ['bob']);
      await groups.create(g, 'alice');
      const a = fileId();
      await records.add({ id: a, size: 10, uploader: 'alice', uploadedAt: T0 });
      stored(await messages.admit({ ...groupAdmission(alice, g.id, 1), files: [a] }));
      assert.equal(await groups.apply(g.id, { op: 'add', login: 'dave', by: 'alice', at: T0, epoch: 2 }), true);
      assert.equal(await records.readableBy(a, 'alice'), true);
      assert.equal(await records.readableBy(a, 'bob'), true);
      assert.equal(await records.readableBy(a, 'dave'), false, 'added after');
      assert.equal(await records.uploadedBy(a, 'bob'), false);
    });

    it('lists for the sweep the files uploaded before a time that no message lists, and forgets one only while still so', async () => {
      const { records, messages } = await fresh();
      const [old, listed, recent, twice] = [fileId(), fileId(), fileId(), fileId()];
      await records.add({ id: old, size: 10, uploader: 'alice', uploadedAt: T0 });
      await records.add({ id: old, size: 10, uploader: 'bob', uploadedAt: at(1) });
      await records.add({ id: listed, size: 10, uploader: 'alice', uploadedAt: T0 });
      await records.add({ id: recent, size: 10, uploader: 'alice', uploadedAt: at(30) });
      await records.add({ id: twice, size: 10, uploader: 'alice', uploadedAt: T0 });
      stored(await messages.admit({ ...admission(alice, 'bob'), files: [listed] }));
      assert.deepEqual(await records.unreferenced(at(24)), [old, twice].sort());
      assert.deepEqual(await records.unreferenced(at(1)), [twice], 'a file is as young as its last upload');
      // Uploaded again since the sweep listed it: kept.
      await records.add({ id: twice, size: 10, uploader: 'bob', uploadedAt: at(25) });
      assert.equal(await records.forgetIfUnreferenced(twice, at(24)), false);
      assert.equal(await records.uploadedBy(twice, 'alice'), true);
      assert.equal(await records.forgetIfUnreferenced(listed, at(24)), false, 'a message lists it');
      assert.equal(await records.forgetIfUnreferenced(old, at(24)), true);
      assert.equal(await records.forgetIfUnreferenced(old, at(24)), false, 'once');
      assert.equal(await records.uploadedBy(old, 'alice'), false);
      assert.equal(await records.usage('bob'), 10, "bob's upload of it went too: only twice is left");
      assert.deepEqual(await messages.admit({ ...admission(alice, 'bob'), files: [old] }), { refused: 'unknown_file' }, 'forgotten: no longer listable');

      // Until its body is deleted, the forgotten file takes no upload (another instance may have
      // found the body still in place), and a sweep that stopped there finds it to finish.
      assert.deepEqual(await records.deleting(), [old]);
      assert.deepEqual(await records.add({ id: old, size: 10, uploader: 'carol', uploadedAt: at(26) }), { deleting: true });
      assert.equal(await records.uploadedBy(old, 'carol'), false);
      await records.deleted(old);
      assert.deepEqual(await records.deleting(), []);
      assert.deepEqual(await records.add({ id: old, size: 10, uploader: 'carol', uploadedAt: at(27) }), { created: true }, 'uploaded anew');
    });
  });
}
