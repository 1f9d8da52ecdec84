// Crash safety: the server is killed with SIGKILL at random moments while 50 enrollments and then
// 500 messages are under way, and restarted on the same data directory each time. Clients retry
// what got no answer, as real ones would. Afterwards the database holds no half-registered user
// (every user has its issued certificate record and every issued record its user, none pending),
// every message that was acknowledged with 201 is there, and each message is there exactly once.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { startServer, tempDir, type Running } from './helpers/server.ts';
import { newKeyCsrs, postJson, uniqueUser } from './helpers/users.ts';
import { envelopeFor, webUser, type WebUser } from './helpers/webuser.ts';
import type { Envelope } from '../src/protocol/envelope.ts';

const ENROLLMENTS = 50;
const MESSAGES = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));

/** The server and its restarts on one data directory; requests wait while it is down. */
class Supervisor {
  readonly dataDir = tempDir('tekup-crash-');
  server!: Running;
  kills = 0;
  private up: Promise<void> = Promise.resolve();

  async start(): Promise<void> {
    this.server = await startServer({ dataDir: this.dataDir, args: ['--quiet'] });
  }

  async crash(): Promise<void> {
    let restarted!: () => void;
    this.up = new Promise((r) => (restarted = r));
    const old = this.server;
    old.proc.kill('SIGKILL');
    if (old.proc.exitCode === null && old.proc.signalCode === null) await once(old.proc, 'exit');
    this.kills++;
    await this.start();
    restarted();
  }

  async url(): Promise<string> {
    await this.up;
    return this.server.url;
  }

  /** POSTs until an answer arrives; a request that died with the server is sent again, unchanged. */
  async post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; retried: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const url = await this.url();
      try {
        return { ...(await postJson(`${url}${path}`, body, headers)), retried: attempt > 0 };
      } catch {
        if (attempt > 50) throw new Error(`no answer for ${path} after ${attempt} attempts`);
        await sleep(20); // the kill is being noticed; url() then waits for the restart
      }
    }
  }

  /** Kills the server at random moments, `times` times, while `busy()` holds. */
  async chaos(times: number, delay: [number, number], busy: () => boolean): Promise<void> {
    for (let i = 0; i < times && busy(); i++) {
      await sleep(between(...delay));
      if (busy()) await this.crash();
    }
  }

  db(): DatabaseSync {
    return new DatabaseSync(join(this.dataDir, 'tekup.db'), { readOnly: true });
  }
}

const sup = new Supervisor();
after(async () => {
  await sup.server?.stop();
});

/** Runs `jobs` with `lanes` at a time. */
async function inLanes<T>(jobs: T[], lanes: number, run: (job: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < jobs.length) await run(jobs[next++]);
  }));
}

function checkRegistrations(db: DatabaseSync, expected: Set<string>): void {
  const users = db.prepare('SELECT login, certificate FROM users').all() as { login: string; certificate: Uint8Array }[];
  const records = db.prepare(`SELECT serial, login, der, state FROM certificates`).all() as { serial: string; login: string; der: Uint8Array; state: string }[];
  assert.deepEqual(records.filter((r) => r.state !== 'issued').map((r) => r.serial), [], 'no certificate record left pending');
  const byLogin = new Map<string, typeof records>();
  for (const r of records) byLogin.set(r.login, [...(byLogin.get(r.login) ?? []), r]);
  for (const u of users) {
    const mine = byLogin.get(u.login) ?? [];
    assert.equal(mine.length, 1, `${u.login} has ${mine.length} certificate records`);
    assert.ok(Buffer.from(mine[0].der).equals(Buffer.from(u.certificate)), `${u.login}'s certificate is the recorded one`);
  }
  const userLogins = new Set(users.map((u) => u.login));
  for (const r of records) assert.ok(userLogins.has(r.login), `certificate ${r.serial} was recorded for ${r.login}, who is not registered`);
  for (const login of expected) assert.ok(userLogins.has(login), `${login} was acknowledged but is not registered`);
}

describe('kill -9 at random moments', () => {
  const acknowledged = new Set<string>();

  it(`${ENROLLMENTS} enrollments: no half-registered user, none acknowledged lost`, { timeout: 120_000 }, async (t) => {
    // A key of its own for each (the CA certifies a key once), made before the server starts.
    const csrs = await newKeyCsrs(ENROLLMENTS, 'O=Crash');
    await sup.start();
    const bodies = csrs.map(({ csr }) => ({ ...uniqueUser('crash'), csr }));
    let finished = 0;
    let retried = 0;
    const chaos = sup.chaos(4, [150, 900], () => finished < ENROLLMENTS);
    await inLanes(bodies, 4, async (body) => {
      const res = await sup.post('/api/v1/enroll', body);
      if (res.retried) retried++;
      if (res.status === 201) acknowledged.add(body.login);
      // A retry of a registration that had gone through before the crash finds itself taken.
      else assert.ok(res.retried && res.status === 409 && res.json.field === 'login', `${body.login}: ${res.status} ${JSON.stringify(res.json)}`);
      finished++;
    });
    await chaos;
    assert.ok(sup.kills >= 1, 'the server was killed at least once during the enrollments');
    t.diagnostic(`${sup.kills} kills, ${retried} enrollments sent again after one`);

    // One more crash and start, so start-up repair has run on whatever the last kill left.
    await sup.crash();
    const db = sup.db();
    try {
      checkRegistrations(db, acknowledged);
      const count = (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
      assert.equal(count, ENROLLMENTS, 'every enrollment ended registered (retried ones included)');
    } finally {
      db.close();
    }
  });

  it(`${MESSAGES} messages: every acknowledged one kept, none twice`, { timeout: 120_000 }, async (t) => {
    const killsBefore = sup.kills;
    const alice: WebUser = await webUser(await sup.url(), 'crasha');
    const bob: WebUser = await webUser(await sup.url(), 'crashb');
    const envelopes: Array<{ as: WebUser; e: Envelope }> = [];
    for (let i = 0; i < MESSAGES; i++) {
      const [from, to] = i % 2 ? [bob, alice] : [alice, bob];
      envelopes.push({ as: from, e: await envelopeFor(from, to, `message ${i}`) });
    }
    const accepted = new Set<string>();
    const replayed = new Set<string>();
    let finished = 0;
    const chaos = sup.chaos(5, [30, 400], () => finished < MESSAGES);
    await inLanes(envelopes, 8, async ({ as, e }) => {
      // Sessions are stored, so the token works again after a restart.
      const res = await sup.post('/api/v1/messages', e, { authorization: `Bearer ${as.token}` });
      if (res.status === 201) accepted.add(e.id);
      else {
        // Sent again after a crash: stored the first time, so now a replay.
        assert.ok(res.retried && res.status === 409 && res.json.reason === 'replay', `${e.id}: ${res.status} ${JSON.stringify(res.json)}`);
        replayed.add(e.id);
      }
      finished++;
    });
    await chaos;
    assert.ok(sup.kills > killsBefore, 'the server was killed at least once during the messages');
    t.diagnostic(`${sup.kills - killsBefore} kills, ${replayed.size} messages stored before a crash and refused as replays when sent again`);
    await sup.crash();

    const db = sup.db();
    let rows: { id: string; n: number }[];
    try {
      rows = db.prepare('SELECT id, count(*) AS n FROM messages GROUP BY id').all() as { id: string; n: number }[];
      checkRegistrations(db, acknowledged);
    } finally {
      db.close();
    }
    const stored = new Map(rows.map((r) => [r.id, Number(r.n)]));
    for (const id of accepted) assert.equal(stored.get(id), 1, `acknowledged message ${id} is stored ${stored.get(id) ?? 0} times`);
    for (const id of replayed) assert.equal(stored.get(id), 1, `message ${id} refused as a replay is stored ${stored.get(id) ?? 0} times`);
    assert.equal(stored.size, MESSAGES, 'exactly the messages sent are stored');
    assert.equal(accepted.size + replayed.size, MESSAGES);

    // What the recipients are served: each message once, in one order, through the history API.
    const url = await sup.url();
    const seen: string[] = [];
    for (let after = ''; ; ) {
      const res = await fetch(`${url}/api/v1/messages?with=${bob.login}&limit=200${after}`, { headers: { authorization: `Bearer ${alice.token}` } });
      assert.equal(res.status, 200);
      const page = (await res.json()) as { messages: Envelope[]; cursor: string | null; more: boolean };
      seen.push(...page.messages.map((m) => m.id));
      if (!page.more) break;
      after = `&after=${page.cursor}`;
    }
    assert.equal(seen.length, MESSAGES);
    assert.equal(new Set(seen).size, MESSAGES, 'no message is served twice');
  });
});
