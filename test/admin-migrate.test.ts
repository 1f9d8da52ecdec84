// `admin migrate` (issue 19): a single-node deployment copied into PostgreSQL keeps its people,
// certificates, sessions and messages — a server started on the copy serves them as before, and
// message seqs (SSE event ids) go on from where they were. A second run, or a run into a database
// that holds anything, is refused and writes nothing.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import postgres from 'postgres';
import { startPostgres, type Postgres } from './helpers/postgres.ts';
import { startServer, type Running } from './helpers/server.ts';
import { runAdmin } from './helpers/admin.ts';
import { envelopeFor, send, webUser, type WebUser } from './helpers/webuser.ts';
import { postJson } from './helpers/users.ts';
import { makeEnvelopeV2 } from '../src/client/envelope.ts';
import { importPublicKeys } from '../src/client/keys.ts';
import { x509 } from '../src/client/x509.ts';
import { openDatabase } from '../src/store/sqlite/sqlite.ts';
import { SqliteSettings } from '../src/store/sqlite/settings.ts';

let pg: Postgres;
let single: Running | undefined;
let onPg: Running | undefined;
before(async () => {
  pg = await startPostgres();
});
after(async () => {
  await single?.stop();
  await onPg?.stop();
  await pg.stop();
});

const rows = async (query: string) => {
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  try {
    return await sql.unsafe(query);
  } finally {
    await sql.end();
  }
};

it('copies a single node into PostgreSQL once, with every count checked, and a server on the copy serves it', async () => {
  single = await startServer();
  const ann: WebUser = await webUser(single.url, 'mig');
  const ben: WebUser = await webUser(single.url, 'mig');
  const first = await envelopeFor(ann, ben, 'before the move');
  assert.equal((await send(single.url, ann, first)).status, 201);
  // A group and one message to it (protocol §7): the copy keeps who may read it.
  const group = await postJson(`${single.url}/api/v1/groups`, { name: 'Moving', members: [ben.login] }, { authorization: `Bearer ${ann.token}` });
  assert.equal(group.status, 201);
  const recipients = await Promise.all(
    [ann, ben].map(async (u) => ({ serial: u.serial, publicKey: (await importPublicKeys(new x509.X509Certificate(u.certificate))).encrypt })),
  );
  const toGroup = await makeEnvelopeV2({ signKey: ann.key.privateKeys.sign, from: ann.login, senderCertSerial: ann.serial, to: `group:${group.json.id}`, epoch: 1, text: 'to the group', recipients });
  assert.equal((await send(single.url, ann, toGroup)).status, 201);
  const dataDir = single.dataDir;
  await single.stop();
  single = undefined;
  // Ann chose French (issue 24): written through the adapter, as no route sets it yet.
  const lite = openDatabase(join(dataDir, 'tekup.db'));
  await new SqliteSettings(lite).setLocale(ann.login, 'fr');
  lite.close();

  const run = await runAdmin(['migrate', '--from-data', dataDir, '--database-url', pg.url, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const { copied } = JSON.parse(run.stdout) as { copied: Record<string, number> };
  assert.equal(copied.users, 2);
  assert.equal(copied.messages, 2);
  assert.deepEqual([copied.groups, copied.group_members, copied.group_history], [1, 2, 1]);
  assert.equal(copied.user_settings, 1);
  assert.deepEqual((await rows('SELECT login, locale FROM user_settings')).map((r) => ({ ...r })), [{ login: ann.login, locale: 'fr' }], 'her language follows her');
  assert.ok(copied.certificates >= 2 && copied.sessions >= 2, run.stdout);
  assert.equal((await rows('SELECT count(*)::int AS n FROM users'))[0].n, 2);

  const again = await runAdmin(['migrate', '--from-data', dataDir, '--database-url', pg.url]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /not empty/);
  assert.equal((await rows('SELECT count(*)::int AS n FROM users'))[0].n, 2, 'the refused run wrote nothing');

  onPg = await startServer({ dataDir, args: ['--database-url', pg.url] });
  const history = await fetch(`${onPg.url}/api/v1/messages?with=${ann.login}`, { headers: { authorization: `Bearer ${ben.token}` } });
  assert.equal(history.status, 200, 'a session opened on the single node is valid on the copy');
  const before = ((await history.json()) as { messages: Array<{ id: string }> }).messages;
  assert.deepEqual(
    before.map((m) => m.id),
    [first.id],
  );
  const groupHistory = await fetch(`${onPg.url}/api/v1/messages?with=group:${group.json.id}`, { headers: { authorization: `Bearer ${ben.token}` } });
  assert.deepEqual(((await groupHistory.json()) as { messages: Array<{ id: string }> }).messages.map((m) => m.id), [toGroup.id]);
  const copiedGroup = await fetch(`${onPg.url}/api/v1/groups/${group.json.id}`, { headers: { authorization: `Bearer ${ben.token}` } });
  assert.equal(((await copiedGroup.json()) as { name: string }).name, 'Moving');
  const second = await envelopeFor(ben, ann, 'after the move');
  assert.equal((await send(onPg.url, ben, second)).status, 201);
  const seqs = (await rows('SELECT seq FROM messages ORDER BY seq')).map((r) => Number(r.seq));
  assert.equal(seqs.length, 3);
  assert.ok(seqs[1] > seqs[0], `new seqs continue after the copied ones: ${seqs}`);
});

it('refuses without --from-data or --database-url, or from a directory without data (usage 2, refused 1)', async () => {
  assert.equal((await runAdmin(['migrate', '--database-url', pg.url])).code, 2);
  assert.equal((await runAdmin(['migrate', '--from-data', '/nonexistent-dir'])).code, 2);
  const empty = await runAdmin(['migrate', '--from-data', '/nonexistent-dir', '--database-url', pg.url]);
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /no tekup\.db/);
});
